/* cmd_matrix.c: "pyfault matrix": every scenario on every interpreter. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "atomic_file.h"
#include "cmd.h"
#include "dir_lock.h"
#include "interrupt.h"
#include "locate.h"
#include "matrix.h"
#include "out_dir.h"
#include "matrix_json.h"
#include "optparse.h"
#include "options.h"
#include "pyfault.h"
#include "replay.h"
#include "report_dir.h"

#define MAX_ARGS 128

enum { X_INTERP, X_STARTUP_STRIDE, X_JOBS, X_ENGINE, X_PLAN, X_SITE_DEPTH, X_SHARD, X_OUT, X_QUIET };

static const struct pf_opt opts[] = {
    {X_INTERP, "interp", 0, "NAME=PATH", "an interpreter and its variant name (repeatable);\n"
                                         "default: system=/usr/bin/python3.11 and every\n"
                                         "build/cpython/VARIANT/python that exists"},
    {X_STARTUP_STRIDE, "startup-stride", 0, "K", "every Kth point of the start-up sweep (default 100;\n"
                                                 "0: no start-up sweep)"},
    {X_JOBS, "jobs", 'j', "N", "trials in parallel within a sweep (default: cores,\n"
                               "one more with --engine fork)"},
    {X_ENGINE, "engine", 0, "ENGINE", "exec: each sweep trial starts the target afresh\n"
                                      "(default); fork: from a fork server at its point\n"
                                      "(see pyfault sweep --engine)"},
    {X_PLAN, "plan", 0, "PLAN", "the points of every sweep cell: all (default),\n"
                                "sites[:K] or sites:log (see pyfault sweep --plan);\n"
                                "a stride then takes one call site in K"},
    {X_SITE_DEPTH, "site-depth", 0, "D", "frames that make a call site for --plan sites,\n"
                                         "1..32 (default 8)"},
    {X_SHARD, "shard", 0, "I/N", "the Ith of N shares (1 <= I <= N): every Nth point of\n"
                                 "every sweep, single runs in shard 1; pyfault merge\n"
                                 "puts the shards' results.json back together;\n"
                                 "auto: from Slurm, Kubernetes or GitLab variables"},
    {X_OUT, "out", 0, "DIR", "write DIR/results.json (atomically)"},
    {X_QUIET, "quiet", 'q', NULL, "no progress lines"},
    {0},
};

struct matrix_args {
    const char *interp[PF_MATRIX_MAX_INTERPS];
    int ninterp;
    const char *scen[MAX_ARGS];
    int nscen;
    uint64_t startup_stride;
    uint64_t jobs;
    int engine_fork;
    uint64_t plan_sites;
    int plan_pow2;
    uint64_t site_depth;
    unsigned shard_i, shard_n;
    const char *out;
    int quiet;
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct matrix_args *m = dst;
    switch (a->key) {
    case PF_ARG_WORD:
        if (m->nscen >= MAX_ARGS) {
            snprintf(err, errlen, "too many scenarios");
            return -1;
        }
        m->scen[m->nscen++] = a->val;
        return 0;
    case X_INTERP:
        if (m->ninterp >= PF_MATRIX_MAX_INTERPS) {
            snprintf(err, errlen, "too many --interp");
            return -1;
        }
        m->interp[m->ninterp++] = a->val;
        return 0;
    case X_STARTUP_STRIDE:
        return pf_opt_count(a->name, a->val, 0, 1000000, &m->startup_stride, err, errlen);
    case X_JOBS:
        return pf_opt_count(a->name, a->val, 1, 1000000, &m->jobs, err, errlen);
    case X_ENGINE:
        return pf_parse_engine(a->val, &m->engine_fork, err, errlen);
    case X_PLAN:
        return pf_parse_plan(a->val, &m->plan_sites, &m->plan_pow2, err, errlen);
    case X_SITE_DEPTH:
        return pf_opt_count(a->name, a->val, 1, PYFAULT_SITES_DEPTH_MAX, &m->site_depth, err, errlen);
    case X_SHARD:
        if (pf_parse_shard(a->val, &m->shard_i, &m->shard_n, err, errlen) < 0)
            return -1;
        if (m->shard_n > 10000) {
            snprintf(err, errlen, "--shard '%s': at most 10000 shares", a->val);
            return -1;
        }
        return 0;
    case X_OUT:
        m->out = a->val;
        return 0;
    case X_QUIET:
        m->quiet = 1;
        return 0;
    }
    return 0;
}

static const struct pf_cli cli = {
    .name = "matrix",
    .usage = "usage: pyfault matrix [options] [SCENARIO.py...]\n"
             "Runs every scenario on every interpreter, each the way its header's plan\n"
             "says (one run or a sweep), and judges each cell against the header's\n"
             "expectation for that interpreter. Adds a persistent start-up sweep\n"
             "(-c pass) per interpreter.\n",
    .opts = opts,
    .epilog = "Without SCENARIO.py arguments, every scenarios/*/*.py is run.\n"
              "Exit status: 0 every cell as expected, 1 some cell not, 2 bad usage or\n"
              "harness error, 130 interrupted (results.json is still written).\n",
    .take = take,
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every scenarios/<group>/<name>.py under ROOT, sorted. */
static int find_scenarios(const char *root, char ***out, int *n, char *err, size_t errlen)
{
    char base[PATH_MAX];
    snprintf(base, sizeof base, "%.4000s/scenarios", root);
    DIR *d = opendir(base);
    if (!d) {
        snprintf(err, errlen, "%.900s: %s", base, strerror(errno));
        return -1;
    }
    char **list = NULL;
    int count = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "lib") || !strcmp(e->d_name, "ext"))
            continue;
        char group[PATH_MAX];
        snprintf(group, sizeof group, "%.3000s/%.255s", base, e->d_name);
        DIR *g = opendir(group);
        if (!g)
            continue;
        struct dirent *f;
        while ((f = readdir(g))) {
            size_t len = strlen(f->d_name);
            if (len < 4 || strcmp(f->d_name + len - 3, ".py") != 0)
                continue;
            if (pf_array_reserve(list, cap, (size_t)count + 1, 16) < 0)
                break;
            if (asprintf(&list[count], "%s/%s", group, f->d_name) < 0)
                break;
            count++;
        }
        closedir(g);
    }
    closedir(d);
    qsort(list, (size_t)count, sizeof *list, cmp_str);
    *out = list;
    *n = count;
    return 0;
}

/* The default interpreters: Debian's 3.11 and every built variant. */
static int default_interps(const char *root, struct pf_interp **out, unsigned *n,
                           char *err, size_t errlen)
{
    size_t nvariants = 0;
    while (pf_interp_variants[nvariants])
        nvariants++;
    struct pf_interp *v = calloc(1 + nvariants, sizeof *v);
    unsigned count = 0;
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (access("/usr/bin/python3.11", X_OK) == 0 &&
        pf_interp_probe(&v[count], "system", "/usr/bin/python3.11", err, errlen) == 0)
        count++;
    for (size_t k = 0; k < nvariants; k++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%.4000s/build/cpython/%s/python", root, pf_interp_variants[k]);
        if (access(path, X_OK) != 0)
            continue;
        if (pf_interp_probe(&v[count], pf_interp_variants[k], path, err, errlen) < 0) {
            free(v);
            return -1;
        }
        count++;
    }
    if (count == 0) {
        snprintf(err, errlen, "no interpreter: no /usr/bin/python3.11 and no build/cpython/*/python "
                 "(give --interp NAME=PATH, or run make cpython)");
        free(v);
        return -1;
    }
    *out = v;
    *n = count;
    return 0;
}

/* No file the matrix writes in DIR is one of its interpreters or
 * scenarios. Returns 0, or -1 with a one-line message in ERR. */
static int check_out_inputs(const char *dir, const struct pf_matrix *m, char *err, size_t errlen)
{
    size_t n = 0;
    const char **inputs = calloc((size_t)m->ninterps + m->nscen + 1, sizeof *inputs);
    if (!inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < m->ninterps; i++)
        inputs[n++] = m->interps[i].path;
    for (unsigned i = 0; i < m->nscen; i++)
        inputs[n++] = m->scen[i].path;
    int rc = pf_out_dir_check_inputs(dir, inputs, n, err, errlen);
    free(inputs);
    return rc;
}

int pf_cmd_matrix(int argc, char **argv)
{
    struct matrix_args a = {.startup_stride = 100};
    char err[1024];
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0)
        return quit;
    char root[PATH_MAX];
    if (pf_project_root(root, sizeof root) < 0) {
        fprintf(stderr, "pyfault matrix: cannot find scenarios/lib beside the pyfault binary\n");
        return 2;
    }
    struct pf_interp *interps = NULL;
    unsigned ninterps = 0;
    if (a.ninterp) {
        interps = calloc((size_t)a.ninterp, sizeof *interps);
        if (!interps) {
            fprintf(stderr, "pyfault matrix: out of memory\n");
            return 2;
        }
        for (int k = 0; k < a.ninterp; k++) {
            char id[64], path[PATH_MAX];
            if (pf_interp_parse_arg(a.interp[k], id, sizeof id, path, sizeof path, err, sizeof err) < 0 ||
                pf_interp_probe(&interps[ninterps], id, path, err, sizeof err) < 0) {
                fprintf(stderr, "pyfault matrix: %s\n", err);
                free(interps);
                return 2;
            }
            for (unsigned j = 0; j < ninterps; j++)
                if (!strcmp(interps[j].id, id)) {
                    fprintf(stderr, "pyfault matrix: --interp %s given twice\n", id);
                    free(interps);
                    return 2;
                }
            ninterps++;
        }
    } else if (default_interps(root, &interps, &ninterps, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        return 2;
    }
    char **found = NULL;
    int nfound = 0;
    if (a.nscen == 0 && find_scenarios(root, &found, &nfound, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        free(interps);
        return 2;
    }
    int nscen = a.nscen ? a.nscen : nfound;
    int lock = -1; /* the --out folder's (dir_lock.h), held to the end */
    struct pf_scenario *scen = calloc((size_t)nscen + 1, sizeof *scen);
    int status = 2;
    if (!scen) {
        fprintf(stderr, "pyfault matrix: out of memory\n");
        free(interps);
        goto out;
    }
    for (int k = 0; k < nscen; k++) {
        const char *path = a.nscen ? a.scen[k] : found[k];
        if (pf_scenario_load(path, &scen[k], err, sizeof err) < 0) {
            fprintf(stderr, "pyfault matrix: %s\n", err);
            free(scen);
            free(interps);
            goto out;
        }
    }
    struct pf_matrix m;
    struct pf_matrix_config cfg = {
        .jobs = a.jobs ? (unsigned)a.jobs : pf_default_jobs(a.engine_fork),
        .startup_stride = (unsigned)a.startup_stride, .progress = !a.quiet,
        .shard_i = a.shard_i, .shard_n = a.shard_n, .engine_fork = a.engine_fork,
        .plan_sites = a.plan_sites, .plan_pow2 = a.plan_pow2,
        .site_depth = (unsigned)a.site_depth};
    /* it owns both arrays from here, failing too: scen may have moved */
    if (pf_matrix_init(&m, &cfg, interps, ninterps, scen, (unsigned)nscen, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        goto out;
    }
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%.4000s/results.json", a.out ? a.out : ".");
    if (a.out && check_out_inputs(a.out, &m, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        pf_matrix_free(&m);
        goto out;
    }
    /* what results.json could not hold is refused now, not after the run */
    if (a.out && pf_matrix_json_check(path, &m, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        pf_matrix_free(&m);
        goto out;
    }
    if (a.out && mkdir(a.out, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "pyfault matrix: --out %s: %s\n", a.out, strerror(errno));
        pf_matrix_free(&m);
        goto out;
    }
    /* before the matrix, not after it: a read-only folder fails at once */
    if (a.out && access(a.out, W_OK) < 0) {
        fprintf(stderr, "pyfault matrix: %s: %s\n", a.out, strerror(errno));
        pf_matrix_free(&m);
        goto out;
    }
    if (a.out && pf_atomic_check(path, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        pf_matrix_free(&m);
        goto out;
    }
    /* one command per folder: another's results.json is not overwritten */
    if (a.out && (lock = pf_dir_lock(a.out, err, sizeof err)) < 0) {
        fprintf(stderr, "pyfault matrix: --out %s\n", err);
        pf_matrix_free(&m);
        goto out;
    }
    pf_interrupt_install();
    if (pf_matrix_run(&m, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault matrix: %s\n", err);
        pf_matrix_free(&m);
        goto out;
    }
    pf_matrix_print(&m, stdout);
    /* before any error about the files: stderr is not buffered */
    fflush(stdout);
    if (a.out) {
        if (pf_matrix_json_write(path, &m, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault matrix: %s\n", err);
            pf_matrix_free(&m);
            goto out;
        }
        printf("results: %s\n", path);
        if (pf_report_dir(a.out, NULL, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault matrix: %s\n", err);
            pf_matrix_free(&m);
            goto out;
        }
        printf("report: %s/index.html\nsummary: %s/summary.md\n", a.out, a.out);
    }
    status = !m.complete ? 130 : pf_matrix_unexpected_cells(&m) ? 1 : 0;
    pf_matrix_free(&m);
out:
    pf_dir_unlock(lock);
    for (int k = 0; k < nfound; k++)
        free(found[k]);
    free(found);
    return status;
}

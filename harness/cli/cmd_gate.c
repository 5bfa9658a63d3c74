/* cmd_gate.c: "pyfault gate": the CI regression gate over a results.json. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "cmd.h"
#include "gate.h"
#include "optparse.h"
#include "out_dir.h"
#include "same_file.h"

enum { G_BASELINE, G_UPDATE, G_JUNIT, G_ALLOW_INCOMPLETE };

static const struct pf_opt opts[] = {
    {G_BASELINE, "baseline", 0, "BASE.json", "the known findings (missing: exit 2, unless\n"
                                             "--update-baseline creates it)"},
    {G_UPDATE, "update-baseline", 0, NULL, "after judging, write RESULTS' findings to BASE\n"
                                           "atomically (temp file + rename): accept them"},
    {G_JUNIT, "junit", 0, "FILE", "the verdict as JUnit XML: a testcase per cell and\n"
                                  "per finding, failed when violated / new"},
    {G_ALLOW_INCOMPLETE, "allow-incomplete", 0, NULL, "judge an incomplete run (\"complete\": false) as it\n"
                                                      "is instead of failing it"},
    {0},
};

struct gate_args {
    const char *base, *results, *junit;
    int update, allow_incomplete;
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct gate_args *g = dst;
    switch (a->key) {
    case PF_ARG_WORD:
        if (g->results) {
            snprintf(err, errlen, "one RESULTS.json only (got '%s' and '%s')", g->results, a->val);
            return -1;
        }
        g->results = a->val;
        return 0;
    case G_BASELINE:
        g->base = a->val;
        return 0;
    case G_UPDATE:
        g->update = 1;
        return 0;
    case G_JUNIT:
        g->junit = a->val;
        return 0;
    case G_ALLOW_INCOMPLETE:
        g->allow_incomplete = 1;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct gate_args *g = dst;
    if (!g->base || !g->results) {
        snprintf(err, errlen, "needs --baseline BASE.json and RESULTS.json");
        return -1;
    }
    /* an output written over an input would lose it (as merge refuses) */
    const char *inputs[] = {g->results, g->base};
    if (g->junit && pf_out_file_check_inputs(g->junit, inputs, 2, err, errlen) < 0)
        return -1;
    if (g->update && pf_same_file(g->base, g->results)) {
        snprintf(err, errlen, "%s is both RESULTS.json and the baseline --update-baseline "
                 "writes", g->base);
        return -1;
    }
    return 0;
}

static const struct pf_cli cli = {
    .name = "gate",
    .usage =
        "usage: pyfault gate --baseline BASE.json RESULTS.json [--update-baseline] [--junit FILE]\n"
        "                    [--allow-incomplete]\n"
        "Fails a CI job on what is new: exits 1 when RESULTS has a finding (class +\n"
        "signature) that BASE does not know, or a cell with trials its scenario (or\n"
        "the sweep's --accept) does not expect and whose findings BASE does not know;\n"
        "each is listed with its class, signature and repro command. A finding in\n"
        "BASE is accepted wherever it occurs, so --update-baseline followed by gate\n"
        "passes. An incomplete run (\"complete\": false: a sweep stopped by Ctrl-C, a\n"
        "merge with a shard missing) fails with an \"INCOMPLETE run\" line, unless\n"
        "--allow-incomplete. BASE is a baseline file (--update-baseline writes one)\n"
        "or any results.json. ok findings are never new, and an ok trial where a\n"
        "crash was expected is never known.\n",
    .opts = opts,
    .epilog = "Exit status: 0 pass, 1 new findings, violated expectations (both judged\n"
              "against BASE as it was) or an incomplete run, 2 bad usage or an\n"
              "unreadable/invalid file.\n",
    .take = take,
    .check = check,
};

static int write_junit(const char *path, const struct pf_results *r, const struct pf_gate *g,
                       char *err, size_t errlen)
{
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    pf_gate_junit(af.f, r, g);
    return pf_atomic_commit(&af, err, errlen);
}

int pf_cmd_gate(int argc, char **argv)
{
    struct gate_args a = {0};
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0)
        return quit;
    const char *base = a.base, *results = a.results, *junit = a.junit;
    int update = a.update;
    char err[1024];
    struct pf_results r;
    struct pf_baseline b;
    /* an output the writer would refuse is refused before the verdict */
    if (junit && pf_atomic_check(junit, err, sizeof err) < 0)
        return pf_cli_fail(&cli, "%s", err);
    if (update && pf_atomic_check(base, err, sizeof err) < 0)
        return pf_cli_fail(&cli, "%s", err);
    if (pf_results_load(&r, results, err, sizeof err) < 0)
        return pf_cli_fail(&cli, "%s", err);
    if (pf_baseline_load(&b, base, err, sizeof err) < 0) {
        /* a first --update-baseline starts from nothing; stat, as fopen
         * would wait forever on a FIFO */
        struct stat st;
        int missing = stat(base, &st) < 0 && errno == ENOENT;
        if (!(update && missing)) {
            if (missing)
                fprintf(stderr, "pyfault gate: %s: no such baseline file\n", base);
            else
                fprintf(stderr, "pyfault gate: %s\n", err);
            pf_results_free(&r);
            return 2;
        }
    }
    struct pf_gate g;
    int status = 2;
    if (pf_gate_judge(&b, &r, a.allow_incomplete, &g) < 0) {
        fprintf(stderr, "pyfault gate: out of memory\n");
        goto out;
    }
    /* the files first: a verdict printed before a full disk's error read
     * as a PASS, and the error was not the last line */
    if (junit && write_junit(junit, &r, &g, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault gate: %s\n", err);
        goto out_gate;
    }
    if (update && pf_baseline_write(base, &r, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault gate: %s\n", err);
        goto out_gate;
    }
    pf_gate_print(stdout, &r, &g, base, b.n);
    if (update) {
        size_t kept = 0;
        for (size_t i = 0; i < r.n_findings; i++)
            kept += r.findings[i].cls != PF_OK;
        printf("gate: baseline %s written: %zu findings\n", base, kept);
    }
    status = pf_gate_passed(&g) ? 0 : 1;
out_gate:
    pf_gate_free(&g);
out:
    pf_baseline_free(&b);
    pf_results_free(&r);
    return status;
}

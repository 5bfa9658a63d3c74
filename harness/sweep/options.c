/* options.c: the tables of "pyfault run" and "pyfault sweep" for the one
 * option parser (optparse.h), and the value parsers other subcommands
 * share (class lists, shards, specs, targets). */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "optparse.h"
#include "pyfault.h"
#include "shard_auto.h"
#include "spec_filters.h"

#define MAX_TIMEOUT_S (86400.0 * 7)

enum { O_PYTHON, O_INJECT, O_TIMEOUT, O_ACCEPT, O_JSON, O_MODE, O_RANGE, O_STRIDE, O_SHARD,
       O_JOBS, O_OUT, O_QUIET, O_PLAN, O_SITE_DEPTH, O_ENGINE, O_RESUME };

static const struct pf_opt run_opts[] = {
    {O_PYTHON, "python", 0, "PY", "a Python for SCENARIO.py, refused if not (default: python3 on PATH)"},
    {O_INJECT, "inject", 0, "SPEC", "injection spec (see injectors/pyfault.h), e.g. nth=5"},
    {O_TIMEOUT, "timeout", 0, "SECONDS", "stop the target after this long (default 30)"},
    {O_ACCEPT, "accept", 0, "LIST", "classes that exit 0 (default ok,error)"},
    {O_JSON, "json", 0, "FILE", "write the result as one JSON object"},
    {O_QUIET, "quiet", 'q', NULL, "no summary on stdout"},
    {0},
};

static const struct pf_opt sweep_opts[] = {
    {O_PYTHON, "python", 0, "PY", "a Python for the scenarios, refused if not (default: python3)"},
    {O_MODE, "mode", 0, "MODE", "oneshot (nth=N), persistent (from=N) or both\n(default oneshot)"},
    {O_RANGE, "range", 0, "A:B", "only points A..B (B may be omitted: A:)"},
    {O_STRIDE, "stride", 0, "K", "every Kth point of the range; with --plan sites,\n"
                                 "one call site in K, by its key"},
    {O_SHARD, "shard", 0, "I/N", "the Ith of N equal shares (1 <= I <= N): points\n"
                                 "number I, I+N, I+2N, ... of the selection;\n"
                                 "auto: from Slurm, Kubernetes or GitLab variables"},
    {O_PLAN, "plan", 0, "PLAN", "all: every point (default); sites[:K]: the first K\n"
                                "(default 1) allocations of each distinct call site\n"
                                "of the counting run; sites:log: its 1st, 2nd, 4th,\n"
                                "8th, ... (loops tried early and late); range\n"
                                "keeps those inside it, stride and shard take\n"
                                "whole call sites by their keys"},
    {O_SITE_DEPTH, "site-depth", 0, "D", "frames that make a call site for --plan sites,\n"
                                         "1..32 (default 8)"},
    {O_ENGINE, "engine", 0, "ENGINE", "exec: each trial starts the target afresh (default);\n"
                                      "fork: trials fork from one run stopped at each point\n"
                                      "(exec where it is unsafe: threads alive, a child\n"
                                      "had that could fail there, a timer, shared memory,\n"
                                      "a socket other than a stream pair, a timerfd, a pty)"},
    {O_JOBS, "jobs", 'j', "N", "trials in parallel (default: number of cores, one\n"
                               "more with --engine fork)"},
    {O_INJECT, "inject", 0, "FILTERS", "extra spec filters for every trial (min-size=, site=,\n"
                                       "skip-site=, dso=, region, layer=, junk, sites-py,\n"
                                       "sites-data, no-precopy); no mode token, nor log=,\n"
                                       "fork-fd=, sites=, sites-k=, sites-depth=,\n"
                                       "sites-pow2, trap, pad=, trial-stdio"},
    {O_TIMEOUT, "timeout", 0, "SECONDS", "per trial (default: from the counting run's time)"},
    {O_ACCEPT, "accept", 0, "LIST", "classes that do not fail the sweep (default ok,error)"},
    {O_OUT, "out", 0, "DIR", "write DIR/results.json (atomically) and journal each\n"
                             "finished trial in DIR/journal.jsonl"},
    {O_RESUME, "resume", 0, "DIR", "continue the sweep journaled in DIR (killed or\n"
                                   "interrupted) with its own options and target;\n"
                                   "options given as well must agree with them"},
    {O_QUIET, "quiet", 'q', NULL, "no progress or summary"},
    {0},
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen);
static int check(void *dst, char *err, size_t errlen);

static const struct pf_cli run_cli = {
    .name = "run",
    .usage = "usage: pyfault run [options] SCENARIO.py\n"
             "       pyfault run [options] -- CMD [ARGS...]\n"
             "Runs the target once under the shim and classifies what happened.\n",
    .opts = run_opts,
    .epilog = "Classes: ok error fatal abort segfault stack-overflow unwind-loop hang signal\n"
              "harness-error. Exit status: 0 accepted, 1 not accepted, 2 bad usage,\n"
              "harness error, or a target the shim did not attach to (static, setuid).\n",
    .command = 1,
    .take = take,
    .check = check,
};

static const struct pf_cli sweep_cli = {
    .name = "sweep",
    .usage = "usage: pyfault sweep [options] SCENARIO.py...\n"
             "       pyfault sweep [options] -- CMD [ARGS...]\n"
             "       pyfault sweep --resume DIR [-j N] [-q]\n"
             "Counts the target's allocations (M), then runs one trial per point N.\n",
    .opts = sweep_opts,
    .epilog = "Exit status: 0 every trial accepted, 1 some not, 2 bad usage or harness\n"
              "error, 130 interrupted (results.json is still written, marked incomplete).\n",
    .command = 1,
    .take = take,
    .check = check,
};

int pf_parse_accept(const char *name, const char *text, unsigned *mask, char *err, size_t errlen)
{
    *mask = 0;
    const char *p = text;
    for (;;) {
        size_t len = strcspn(p, ",");
        char cls[32];
        if (len == 0 || len >= sizeof cls) {
            snprintf(err, errlen, "%s '%s': expected a comma-separated list of classes", name, text);
            return -1;
        }
        memcpy(cls, p, len);
        cls[len] = '\0';
        int c = pf_class_from_name(cls);
        if (c < 0) {
            snprintf(err, errlen, "%s: unknown class '%s'", name, cls);
            return -1;
        }
        *mask |= 1u << c;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

static int parse_range(const char *s, struct pf_options *o, char *err, size_t errlen)
{
    const char *colon = strchr(s, ':');
    char a[32];
    if (!colon || (size_t)(colon - s) >= sizeof a)
        goto bad;
    memcpy(a, s, (size_t)(colon - s));
    a[colon - s] = '\0';
    if (pf_parse_whole(a, 1, &o->range_a) < 0)
        goto bad;
    if (colon[1] == '\0') {
        o->range_b = 0;
        return 0;
    }
    if (pf_parse_whole(colon + 1, 1, &o->range_b) < 0)
        goto bad;
    if (o->range_b < o->range_a) {
        snprintf(err, errlen, "--range %s: start %llu is after end %llu", s,
                 (unsigned long long)o->range_a, (unsigned long long)o->range_b);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errlen, "--range '%s': expected A:B or A: with 1 <= A <= B", s);
    return -1;
}

int pf_parse_plan(const char *s, uint64_t *k, int *pow2, char *err, size_t errlen)
{
    *pow2 = 0;
    if (strcmp(s, "sites:log") == 0) {
        *k = 1;
        *pow2 = 1;
        return 0;
    }
    if (strcmp(s, "all") == 0) {
        *k = 0;
        return 0;
    }
    if (strcmp(s, "sites") == 0) {
        *k = 1;
        return 0;
    }
    if (strncmp(s, "sites:", 6) == 0 && pf_parse_whole(s + 6, 1, k) == 0)
        return 0;
    snprintf(err, errlen, "--plan '%s': expected all, sites, sites:K with K >= 1, or sites:log", s);
    return -1;
}

void pf_plan_name(uint64_t k, int pow2, unsigned depth, char *out, size_t outlen)
{
    if (k == 0)
        snprintf(out, outlen, "all");
    else if (pow2)
        snprintf(out, outlen, "sites:log/%u", depth);
    else if (k == 1)
        snprintf(out, outlen, "sites/%u", depth);
    else
        snprintf(out, outlen, "sites:%llu/%u", (unsigned long long)k, depth);
}

int pf_parse_shard(const char *s, unsigned *shard_i, unsigned *shard_n, char *err, size_t errlen)
{
    unsigned i, n;
    char tail;
    if (strcmp(s, "auto") == 0)
        return pf_shard_auto(shard_i, shard_n, err, errlen);
    if (sscanf(s, "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i == 0 || i > n ||
        s[0] == '-' || s[0] == '+') {
        snprintf(err, errlen, "--shard '%s': expected I/N with 1 <= I <= N, or auto", s);
        return -1;
    }
    *shard_i = i;
    *shard_n = n;
    return 0;
}

int pf_parse_inject(const char *name, const char *spec, int filters_only, char *err, size_t errlen)
{
    struct pyfault_spec parsed;
    char perr[256];
    /* pf_spec_filters_only parses SPEC too: -1 is its parse error */
    int rc = filters_only ? pf_spec_filters_only(spec, perr, sizeof perr)
                          : pyfault_spec_parse(spec, &parsed, perr, sizeof perr);
    if (rc < 0) {
        snprintf(err, errlen, "%s '%.200s': %s", name, spec, perr);
        return -1;
    }
    if (filters_only && rc == 0) {
        snprintf(err, errlen, "%s '%.200s': a sweep chooses the failures itself; give filters "
                 "only (min-size=, site=, skip-site=, dso=, region, layer=, junk), no mode, not even count",
                 name, spec);
        return -1;
    }
    return 0;
}

int pf_check_target(int nscenarios, int max, int ncommand, char *err, size_t errlen)
{
    if (ncommand && nscenarios)
        snprintf(err, errlen, "give SCENARIO.py or '-- CMD [ARGS...]', not both");
    else if (!ncommand && !nscenarios)
        snprintf(err, errlen, "no target: give SCENARIO.py or '-- CMD [ARGS...]'");
    else if (max && nscenarios > max)
        snprintf(err, errlen, "one scenario only, got %d", nscenarios);
    else
        return 0;
    return -1;
}

unsigned pf_default_jobs(int fork)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    return (unsigned)(ncpu > 0 ? ncpu : 1) + (fork ? 1u : 0u);
}

int pf_parse_engine(const char *val, int *fork, char *err, size_t errlen)
{
    if (strcmp(val, "fork") != 0 && strcmp(val, "exec") != 0) {
        snprintf(err, errlen, "--engine '%s': expected exec or fork", val);
        return -1;
    }
    *fork = strcmp(val, "fork") == 0;
    return 0;
}

int pf_parse_mode(const char *val, unsigned *modes, char *err, size_t errlen)
{
    if (strcmp(val, "oneshot") == 0)
        *modes = PF_MODE_ONESHOT;
    else if (strcmp(val, "persistent") == 0)
        *modes = PF_MODE_PERSISTENT;
    else if (strcmp(val, "both") == 0)
        *modes = PF_MODE_ONESHOT | PF_MODE_PERSISTENT;
    else {
        snprintf(err, errlen, "--mode '%s': expected oneshot, persistent or both", val);
        return -1;
    }
    return 0;
}

/* One option or word of run or sweep into a struct pf_options. */
static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct pf_options *o = dst;
    uint64_t j;
    if (a->key >= 0 && a->key < 32)
        o->given |= 1u << a->key;
    switch (a->key) {
    case PF_ARG_WORD: /* a scenario; packed at the front of argv */
        o->scenarios[o->nscenarios++] = a->val;
        return 0;
    case PF_ARG_COMMAND:
        o->command = a->argv;
        o->ncommand = a->argc;
        return 0;
    case O_PYTHON:
        o->python = a->val;
        return 0;
    case O_INJECT:
        if (pf_parse_inject(a->name, a->val, o->cmd == PF_CMD_SWEEP, err, errlen) < 0)
            return -1;
        o->inject = a->val;
        return 0;
    case O_TIMEOUT:
        return pf_opt_seconds(a->name, a->val, MAX_TIMEOUT_S, &o->timeout_s, err, errlen);
    case O_ACCEPT:
        return pf_parse_accept(a->name, a->val, &o->accept_mask, err, errlen);
    case O_JSON:
        o->json_path = a->val;
        return 0;
    case O_MODE:
        return pf_parse_mode(a->val, &o->modes, err, errlen);
    case O_RANGE:
        return parse_range(a->val, o, err, errlen);
    case O_STRIDE:
        return pf_opt_count(a->name, a->val, 1, UINT64_MAX, &o->stride, err, errlen);
    case O_SHARD:
        return pf_parse_shard(a->val, &o->shard_i, &o->shard_n, err, errlen);
    case O_JOBS:
        if (pf_opt_count(a->name, a->val, 1, 1024, &j, err, errlen) < 0)
            return -1;
        o->jobs = (unsigned)j;
        return 0;
    case O_OUT:
        o->out_dir = a->val;
        return 0;
    case O_ENGINE:
        return pf_parse_engine(a->val, &o->engine_fork, err, errlen);
    case O_PLAN:
        return pf_parse_plan(a->val, &o->plan_sites, &o->plan_pow2, err, errlen);
    case O_SITE_DEPTH:
        if (pf_opt_count(a->name, a->val, 1, PYFAULT_SITES_DEPTH_MAX, &j, err, errlen) < 0)
            return -1;
        o->site_depth = (unsigned)j;
        return 0;
    case O_QUIET:
        o->quiet = 1;
        return 0;
    case O_RESUME:
        o->resume_dir = a->val;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct pf_options *o = dst;
    /* the journal knows the target */
    if (o->resume_dir && !o->nscenarios && !o->ncommand)
        return 0;
    return pf_check_target(o->nscenarios, o->cmd == PF_CMD_RUN ? 1 : 0, o->ncommand, err, errlen);
}

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_words(char **a, int na, char **b, int nb)
{
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

int pf_options_conflict(const struct pf_options *given, const struct pf_options *rec,
                        char *err, size_t errlen)
{
    const struct pf_options *g = given, *r = rec;
    const char *bad = NULL;
    for (unsigned key = 0; key < 32 && !bad; key++) {
        if (!(g->given & (1u << key)))
            continue;
        int same;
        switch (key) {
        case O_PYTHON: same = same_text(g->python, r->python); break;
        case O_INJECT: same = same_text(g->inject, r->inject); break;
        case O_TIMEOUT: same = g->timeout_s == r->timeout_s; break;
        case O_ACCEPT: same = g->accept_mask == r->accept_mask; break;
        case O_MODE: same = g->modes == r->modes; break;
        case O_RANGE: same = g->range_a == r->range_a && g->range_b == r->range_b; break;
        case O_STRIDE: same = g->stride == r->stride; break;
        case O_SHARD: same = g->shard_i == r->shard_i && g->shard_n == r->shard_n; break;
        case O_PLAN: same = g->plan_sites == r->plan_sites && g->plan_pow2 == r->plan_pow2; break;
        case O_SITE_DEPTH: same = g->site_depth == r->site_depth; break;
        case O_ENGINE: same = g->engine_fork == r->engine_fork; break;
        default: same = 1; break; /* -j, -q, --out, --resume: free */
        }
        for (const struct pf_opt *p = sweep_opts; !same && p->name; p++)
            if ((unsigned)p->key == key)
                bad = p->name;
    }
    if (bad) {
        snprintf(err, errlen, "--resume %s: --%s differs from the sweep's own", g->resume_dir, bad);
        return -1;
    }
    if ((g->nscenarios || g->ncommand) &&
        (!same_words(g->scenarios, g->nscenarios, r->scenarios, r->nscenarios) ||
         !same_words(g->command, g->ncommand, r->command, r->ncommand))) {
        snprintf(err, errlen, "--resume %s: the target differs from the sweep's own",
                 g->resume_dir);
        return -1;
    }
    return 0;
}

/* CMD's defaults into O; CMD's table. */
static const struct pf_cli *start(enum pf_cmd cmd, struct pf_options *o, char **argv)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->python = "python3";
    o->accept_mask = (1u << PF_OK) | (1u << PF_ERROR);
    o->modes = PF_MODE_ONESHOT;
    o->stride = 1;
    o->shard_i = o->shard_n = 1;
    o->site_depth = PYFAULT_SITES_DEPTH_DEFAULT;
    o->scenarios = argv;
    return cmd == PF_CMD_RUN ? &run_cli : &sweep_cli;
}

int pf_options_parse(enum pf_cmd cmd, int argc, char **argv,
                     struct pf_options *o, char *err, size_t errlen)
{
    int rc = pf_cli_parse(start(cmd, o, argv), argc, argv, o, err, errlen);
    o->help = rc == 1;
    return rc < 0 ? -1 : 0;
}

int pf_options_args(enum pf_cmd cmd, int argc, char **argv, struct pf_options *o)
{
    return pf_cli_args(start(cmd, o, argv), argc, argv, o);
}

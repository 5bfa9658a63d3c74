/* options.c: getopt-free parsing (no global state, so it is testable and
 * reentrant); both "--opt value" and "--opt=value" are accepted. */
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "pyfault.h"

static const char run_usage[] =
    "usage: pyfault run [options] SCENARIO.py\n"
    "       pyfault run [options] -- CMD [ARGS...]\n"
    "Runs the target once under the shim and classifies what happened.\n"
    "  --python PY        interpreter for SCENARIO.py (default: python3 on PATH)\n"
    "  --inject SPEC      injection spec (see injectors/pyfault.h), e.g. nth=5\n"
    "  --timeout SECONDS  stop the target after this long (default 30)\n"
    "  --accept LIST      classes that exit 0 (default ok,error)\n"
    "  --json FILE        write the result as one JSON object\n"
    "  -q, --quiet        no summary on stdout\n"
    "  -h, --help         this text\n"
    "Classes: ok error fatal abort segfault stack-overflow unwind-loop hang signal\n"
    "harness-error. Exit status: 0 accepted, 1 not accepted, 2 bad usage or\n"
    "harness error.\n";

static const char sweep_usage[] =
    "usage: pyfault sweep [options] SCENARIO.py...\n"
    "       pyfault sweep [options] -- CMD [ARGS...]\n"
    "Counts the target's allocations (M), then runs one trial per point N.\n"
    "  --python PY        interpreter for the scenarios (default: python3)\n"
    "  --mode MODE        oneshot (nth=N), persistent (from=N) or both\n"
    "                     (default oneshot)\n"
    "  --range A:B        only points A..B (B may be omitted: A:)\n"
    "  --stride K         every Kth point of the range\n"
    "  --shard I/N        the Ith of N equal shares (1 <= I <= N): points\n"
    "                     number I, I+N, I+2N, ... of the selection\n"
    "  -j, --jobs N       trials in parallel (default: number of cores)\n"
    "  --inject FILTERS   extra spec filters for every trial (min-size=, site=,\n"
    "                     skip-site=); no mode token\n"
    "  --timeout SECONDS  per trial (default: from the counting run's time)\n"
    "  --accept LIST      classes that do not fail the sweep (default ok,error)\n"
    "  --out DIR          write DIR/results.json (atomically)\n"
    "  -q, --quiet        no progress or summary\n"
    "  -h, --help         this text\n"
    "Exit status: 0 every trial accepted, 1 some not, 2 bad usage or harness\n"
    "error, 130 interrupted (results.json is still written, marked incomplete).\n";

const char *pf_usage(enum pf_cmd cmd)
{
    return cmd == PF_CMD_RUN ? run_usage : sweep_usage;
}

int pf_parse_accept(const char *text, unsigned *mask, char *err, size_t errlen)
{
    *mask = 0;
    const char *p = text;
    for (;;) {
        size_t len = strcspn(p, ",");
        char name[32];
        if (len == 0 || len >= sizeof name) {
            snprintf(err, errlen, "--accept '%s': expected a comma-separated list of classes", text);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        int c = pf_class_from_name(name);
        if (c < 0) {
            snprintf(err, errlen, "--accept: unknown class '%s'", name);
            return -1;
        }
        *mask |= 1u << c;
        if (p[len] == '\0')
            return 0;
        p += len + 1;
    }
}

int pf_parse_whole(const char *s, uint64_t min, uint64_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min)
        return -1;
    *out = v;
    return 0;
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

int pf_parse_shard(const char *s, unsigned *shard_i, unsigned *shard_n, char *err, size_t errlen)
{
    unsigned i, n;
    char tail;
    if (sscanf(s, "%u/%u%c", &i, &n, &tail) != 2 || n == 0 || i == 0 || i > n ||
        s[0] == '-' || s[0] == '+') {
        snprintf(err, errlen, "--shard '%s': expected I/N with 1 <= I <= N", s);
        return -1;
    }
    *shard_i = i;
    *shard_n = n;
    return 0;
}

static int parse_timeout(const char *s, double *out)
{
    char *end;
    if (!s || !*s)
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v <= 0 || v > 86400 * 7)
        return -1;
    *out = v;
    return 0;
}

/* One option with its value; returns 0, or -1 with ERR set. */
static int take_option(const char *name, const char *val, struct pf_options *o,
                       char *err, size_t errlen)
{
    const int run = o->cmd == PF_CMD_RUN;
    if (strcmp(name, "--python") == 0) {
        if (!*val) {
            snprintf(err, errlen, "--python: empty interpreter name");
            return -1;
        }
        o->python = val;
    } else if (strcmp(name, "--inject") == 0) {
        struct pyfault_spec spec;
        char perr[256];
        if (pyfault_spec_parse(val, &spec, perr, sizeof perr) < 0) {
            snprintf(err, errlen, "--inject: %s", perr);
            return -1;
        }
        if (!run && spec.plan.mode != PYFAULT_MODE_COUNT) {
            snprintf(err, errlen, "--inject '%s': a sweep chooses the failures itself; "
                     "give filters only (min-size=, site=, skip-site=)", val);
            return -1;
        }
        o->inject = val;
    } else if (strcmp(name, "--timeout") == 0) {
        if (parse_timeout(val, &o->timeout_s) < 0) {
            snprintf(err, errlen, "--timeout '%s': expected a number of seconds > 0", val);
            return -1;
        }
    } else if (strcmp(name, "--accept") == 0) {
        return pf_parse_accept(val, &o->accept_mask, err, errlen);
    } else if (run && strcmp(name, "--json") == 0) {
        o->json_path = val;
    } else if (!run && strcmp(name, "--mode") == 0) {
        if (strcmp(val, "oneshot") == 0)
            o->modes = PF_MODE_ONESHOT;
        else if (strcmp(val, "persistent") == 0)
            o->modes = PF_MODE_PERSISTENT;
        else if (strcmp(val, "both") == 0)
            o->modes = PF_MODE_ONESHOT | PF_MODE_PERSISTENT;
        else {
            snprintf(err, errlen, "--mode '%s': expected oneshot, persistent or both", val);
            return -1;
        }
    } else if (!run && strcmp(name, "--range") == 0) {
        return parse_range(val, o, err, errlen);
    } else if (!run && strcmp(name, "--stride") == 0) {
        if (pf_parse_whole(val, 1, &o->stride) < 0) {
            snprintf(err, errlen, "--stride '%s': expected a whole number >= 1", val);
            return -1;
        }
    } else if (!run && strcmp(name, "--shard") == 0) {
        return pf_parse_shard(val, &o->shard_i, &o->shard_n, err, errlen);
    } else if (!run && (strcmp(name, "-j") == 0 || strcmp(name, "--jobs") == 0)) {
        uint64_t j;
        if (pf_parse_whole(val, 1, &j) < 0 || j > 1024) {
            snprintf(err, errlen, "%s '%s': expected a number of jobs from 1 to 1024", name, val);
            return -1;
        }
        o->jobs = (unsigned)j;
    } else if (!run && strcmp(name, "--out") == 0) {
        if (!*val) {
            snprintf(err, errlen, "--out: empty directory name");
            return -1;
        }
        o->out_dir = val;
    } else {
        snprintf(err, errlen, "unknown option '%s' for 'pyfault %s' (see pyfault %s --help)",
                 name, run ? "run" : "sweep", run ? "run" : "sweep");
        return -1;
    }
    return 0;
}

static int takes_value(const char *name)
{
    static const char *const with_value[] = {
        "--python", "--inject", "--timeout", "--accept", "--json", "--mode",
        "--range", "--stride", "--shard", "-j", "--jobs", "--out",
    };
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++)
        if (strcmp(name, with_value[i]) == 0)
            return 1;
    return 0;
}

int pf_options_parse(enum pf_cmd cmd, int argc, char **argv,
                     struct pf_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    o->python = "python3";
    o->accept_mask = (1u << PF_OK) | (1u << PF_ERROR);
    o->modes = PF_MODE_ONESHOT;
    o->stride = 1;
    o->shard_i = o->shard_n = 1;
    o->scenarios = argv;
    for (int i = 0; i < argc; i++) {
        char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            o->command = argv + i + 1;
            o->ncommand = argc - i - 1;
            if (o->ncommand == 0) {
                snprintf(err, errlen, "no command after '--'");
                return -1;
            }
            break;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            o->help = 1;
            return 0;
        }
        if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            o->quiet = 1;
            continue;
        }
        if (arg[0] == '-' && arg[1] != '\0') {
            char name[32];
            const char *val;
            const char *eq = strchr(arg, '=');
            size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
            if (strncmp(arg, "-j", 2) == 0 && arg[2] >= '0' && arg[2] <= '9') {
                nlen = 2; /* -j4 */
                eq = arg + 1;
            }
            if (nlen < sizeof name) {
                memcpy(name, arg, nlen);
                name[nlen] = '\0';
            }
            if (nlen >= sizeof name || !takes_value(name)) {
                snprintf(err, errlen, "unknown option '%.*s' for 'pyfault %s' (see pyfault %s --help)",
                         (int)(nlen < 64 ? nlen : 64), arg, cmd == PF_CMD_RUN ? "run" : "sweep",
                         cmd == PF_CMD_RUN ? "run" : "sweep");
                return -1;
            }
            if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                snprintf(err, errlen, "option '%s' needs a value", name);
                return -1;
            }
            if (take_option(name, val, o, err, errlen) < 0)
                return -1;
            continue;
        }
        /* positional: a scenario; keep them packed at the front of argv */
        o->scenarios[o->nscenarios++] = arg;
    }
    if (o->command && o->nscenarios > 0) {
        snprintf(err, errlen, "give either scenario files or '-- CMD', not both");
        return -1;
    }
    if (!o->command && o->nscenarios == 0) {
        snprintf(err, errlen, "no target: give SCENARIO.py or '-- CMD [ARGS...]'");
        return -1;
    }
    if (cmd == PF_CMD_RUN && o->nscenarios > 1) {
        snprintf(err, errlen, "'pyfault run' takes one scenario, got %d", o->nscenarios);
        return -1;
    }
    return 0;
}

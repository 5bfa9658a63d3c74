/* bisect.c: bisect-run's options and verdict rules, kept pure so that
 * every exit code git sees is unit-tested without a repository. */
#include "bisect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "pyfault.h"

static const char usage[] =
    "usage: pyfault bisect-run [options] SCENARIO.py\n"
    "       pyfault bisect-run [options] -- CMD [ARGS...]\n"
    "One step of git bisect run: builds the checked-out commit, runs the target\n"
    "under the fault-injection shim (again to confirm a hit, a hang or a stray\n"
    "signal), and tells git what it saw. One line per step on stdout: commit,\n"
    "build time, classes, verdict.\n"
    "  --build CMD        build command (sh -c), run in the working tree; default:\n"
    "                     ./configure when there is no Makefile, then make -j$(nproc).\n"
    "                     Output goes to $GIT_DIR/pyfault-bisect-build.log; its tail\n"
    "                     is shown when the build fails\n"
    "  --want LIST        classes that make a commit bad (default fatal,abort,\n"
    "                     segfault,stack-overflow,unwind-loop,hang,signal)\n"
    "  --signature TEXT   ... and only when the signature contains TEXT\n"
    "  --find-fix         invert: a commit where the class is seen is good (old),\n"
    "                     one where it is gone is bad (new): finds the fixing commit\n"
    "  --inject SPEC      shim spec (default: the scenario's own inject:)\n"
    "  --timeout SECONDS  per run (default: the scenario's timeout:, else 30)\n"
    "  --python PATH      interpreter for SCENARIO.py (default: ./python when the\n"
    "                     build made one, as in a CPython checkout; else python3)\n"
    "Exit status (git bisect run's): 0 good, 1 bad, 125 skip (the commit does not\n"
    "build or the target cannot run), 128 bad usage or a broken harness (git bisect\n"
    "stops). Signal statuses (134, 139) of the target are never passed on.\n"
    "Find the commit that broke it:\n"
    "  git bisect start BAD GOOD\n"
    "  git bisect run pyfault bisect-run --want segfault scenario.py\n"
    "Find the commit that fixed it, with --find-fix:\n"
    "  git bisect start FIXED BROKEN\n"
    "  git bisect run pyfault bisect-run --find-fix --want unwind-loop scenario.py\n"
    "or with terms that say so (git prints 'first fixed commit'):\n"
    "  git bisect start --term-old=broken --term-new=fixed FIXED BROKEN\n"
    "  git bisect run pyfault bisect-run --find-fix --want unwind-loop scenario.py\n";

const char *pf_bisect_usage(void)
{
    return usage;
}

static int need_value(int argc, char **argv, int i, char *err, size_t errlen)
{
    if (i + 1 >= argc || !argv[i + 1][0]) {
        snprintf(err, errlen, "%s needs a value", argv[i]);
        return -1;
    }
    return 0;
}

int pf_bisect_parse(int argc, char **argv, struct pf_bisect_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->want = PF_BISECT_DEFAULT_WANT;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = 1;
            return 0;
        }
        if (strcmp(a, "--") == 0) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "'--' must be followed by a command");
                return -1;
            }
            o->command = argv + i + 1;
            o->ncommand = argc - i - 1;
            break;
        }
        if (strcmp(a, "--find-fix") == 0) {
            o->find_fix = 1;
            continue;
        }
        int takes = strcmp(a, "--build") == 0 || strcmp(a, "--want") == 0 ||
                    strcmp(a, "--signature") == 0 || strcmp(a, "--inject") == 0 ||
                    strcmp(a, "--timeout") == 0 || strcmp(a, "--python") == 0;
        if (takes) {
            if (need_value(argc, argv, i, err, errlen) < 0)
                return -1;
            const char *v = argv[++i];
            if (strcmp(a, "--build") == 0) {
                o->build = v;
            } else if (strcmp(a, "--want") == 0) {
                char aerr[256];
                if (pf_parse_accept(v, &o->want, aerr, sizeof aerr) < 0) {
                    snprintf(err, errlen, "--want: %s", strstr(aerr, ": ") ? strstr(aerr, ": ") + 2 : aerr);
                    return -1;
                }
            } else if (strcmp(a, "--signature") == 0) {
                o->signature = v;
            } else if (strcmp(a, "--inject") == 0) {
                struct pyfault_spec spec;
                char perr[256];
                if (pyfault_spec_parse(v, &spec, perr, sizeof perr) < 0) {
                    snprintf(err, errlen, "--inject '%.200s': %s", v, perr);
                    return -1;
                }
                o->inject = v;
            } else if (strcmp(a, "--timeout") == 0) {
                char *end;
                o->timeout_s = strtod(v, &end);
                if (*end || !(o->timeout_s > 0) || o->timeout_s > 86400) {
                    snprintf(err, errlen, "--timeout '%.100s': expected seconds > 0", v);
                    return -1;
                }
            } else {
                o->python = v;
            }
            continue;
        }
        if (a[0] == '-' && a[1]) {
            snprintf(err, errlen, "unknown option '%.100s' (see pyfault bisect-run --help)", a);
            return -1;
        }
        if (o->scenario) {
            snprintf(err, errlen, "one SCENARIO.py only (got '%.200s' and '%.200s')", o->scenario, a);
            return -1;
        }
        o->scenario = a;
    }
    if (!o->scenario && !o->command) {
        snprintf(err, errlen, "missing SCENARIO.py or -- CMD ARGS");
        return -1;
    }
    if (o->scenario && o->command) {
        snprintf(err, errlen, "give SCENARIO.py or -- CMD ARGS, not both");
        return -1;
    }
    if (o->want == 0 || (o->want & (1u << PF_HARNESS_ERROR))) {
        snprintf(err, errlen, "--want: harness-error cannot make a commit bad (it is a skip)");
        return -1;
    }
    return 0;
}

int pf_bisect_hit(const struct pf_bisect_opts *o, enum pf_class cls, const char *sig)
{
    if (!(o->want & (1u << cls)))
        return 0;
    return !o->signature || (sig && strstr(sig, o->signature));
}

int pf_bisect_needs_confirm(int hit, enum pf_class cls)
{
    return hit || cls == PF_HANG || cls == PF_SIGNAL || cls == PF_HARNESS_ERROR;
}

enum pf_bisect_status pf_bisect_verdict(unsigned hits, unsigned runs, int find_fix)
{
    int seen = runs > 0 && 2 * hits >= runs;
    return (seen != !!find_fix) ? PF_BISECT_BAD : PF_BISECT_GOOD;
}

const char *pf_bisect_status_name(enum pf_bisect_status s)
{
    switch (s) {
    case PF_BISECT_GOOD:
        return "good";
    case PF_BISECT_BAD:
        return "bad";
    case PF_BISECT_SKIP:
        return "skip";
    case PF_BISECT_BROKEN:
        return "broken";
    }
    return "?";
}

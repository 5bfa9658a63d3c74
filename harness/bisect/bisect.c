/* bisect.c: bisect-run's options and verdict rules, kept pure so that
 * every exit code git sees is unit-tested without a repository. */
#include "bisect.h"

#include <stdio.h>
#include <string.h>

#include "optparse.h"
#include "options.h"

enum { B_BUILD, B_WANT, B_SIGNATURE, B_FIND_FIX, B_INJECT, B_TIMEOUT, B_PYTHON };

static const struct pf_opt opts[] = {
    {B_BUILD, "build", 0, "CMD", "build command (sh -c), run in the working tree; default:\n"
                                 "./configure when there is no Makefile, then make -j$(nproc).\n"
                                 "Output goes to $GIT_DIR/pyfault-bisect-build.log; its tail\n"
                                 "is shown when the build fails. Whatever the build leaves\n"
                                 "running is killed when it ends"},
    {B_WANT, "want", 0, "LIST", "classes that make a commit bad (default fatal,abort,\n"
                                "segfault,stack-overflow,unwind-loop,hang,signal)"},
    {B_SIGNATURE, "signature", 0, "TEXT", "... and only when the signature contains TEXT"},
    {B_FIND_FIX, "find-fix", 0, NULL, "invert: a commit where the class is seen is good (old),\n"
                                      "one where it is gone is bad (new): finds the fixing commit"},
    {B_INJECT, "inject", 0, "SPEC", "shim spec (default: the scenario's own inject:)"},
    {B_TIMEOUT, "timeout", 0, "SECONDS", "per run (default: the scenario's timeout:, else 30)"},
    {B_PYTHON, "python", 0, "PATH", "interpreter for SCENARIO.py (default: ./python when the\n"
                                    "build made one, as in a CPython checkout; else python3)"},
    {0},
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct pf_bisect_opts *o = dst;
    switch (a->key) {
    case PF_ARG_WORD:
        if (!o->scenario)
            o->scenario = a->val;
        o->nscenarios++;
        return 0;
    case PF_ARG_COMMAND:
        o->command = a->argv;
        o->ncommand = a->argc;
        return 0;
    case B_BUILD:
        o->build = a->val;
        return 0;
    case B_WANT:
        return pf_parse_accept(a->name, a->val, &o->want, err, errlen);
    case B_SIGNATURE:
        o->signature = a->val;
        return 0;
    case B_FIND_FIX:
        o->find_fix = 1;
        return 0;
    case B_INJECT:
        if (pf_parse_inject(a->name, a->val, 0, err, errlen) < 0)
            return -1;
        o->inject = a->val;
        return 0;
    case B_TIMEOUT:
        return pf_opt_seconds(a->name, a->val, 86400, &o->timeout_s, err, errlen);
    case B_PYTHON:
        o->python = a->val;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct pf_bisect_opts *o = dst;
    if (pf_check_target(o->nscenarios, 1, o->ncommand, err, errlen) < 0)
        return -1;
    if (o->want == 0 || (o->want & (1u << PF_HARNESS_ERROR))) {
        snprintf(err, errlen, "--want: harness-error cannot make a commit bad (it is a skip)");
        return -1;
    }
    return 0;
}

static const struct pf_cli cli = {
    .name = "bisect-run",
    .usage =
        "usage: pyfault bisect-run [options] SCENARIO.py\n"
        "       pyfault bisect-run [options] -- CMD [ARGS...]\n"
        "One step of git bisect run: builds the checked-out commit, runs the target\n"
        "under the fault-injection shim (again to confirm a hit, a hang or a stray\n"
        "signal), and tells git what it saw. One line per step on stdout: commit,\n"
        "build time, classes, verdict.\n",
    .opts = opts,
    .epilog =
        "Exit status (git bisect run's): 0 good, 1 bad, 125 skip (the commit does not\n"
        "build or the target cannot run), 128 bad usage, a broken harness, or\n"
        "interrupted by SIGINT, SIGTERM or SIGHUP (git bisect stops; the build or the\n"
        "target is killed first, with everything it started). Signal statuses (134,\n"
        "139) of the target are never passed on.\n"
        "Find the commit that broke it:\n"
        "  git bisect start BAD GOOD\n"
        "  git bisect run pyfault bisect-run --want segfault scenario.py\n"
        "Find the commit that fixed it, with --find-fix:\n"
        "  git bisect start FIXED BROKEN\n"
        "  git bisect run pyfault bisect-run --find-fix --want unwind-loop scenario.py\n"
        "or with terms that say so (git prints 'first fixed commit'):\n"
        "  git bisect start --term-old=broken --term-new=fixed FIXED BROKEN\n"
        "  git bisect run pyfault bisect-run --find-fix --want unwind-loop scenario.py\n",
    .command = 1,
    .usage_status = PF_BISECT_BROKEN,
    .take = take,
    .check = check,
};

char *pf_bisect_help(void)
{
    return pf_cli_help(&cli);
}

static void defaults(struct pf_bisect_opts *o)
{
    memset(o, 0, sizeof *o);
    o->want = PF_BISECT_DEFAULT_WANT;
}

int pf_bisect_parse(int argc, char **argv, struct pf_bisect_opts *o, char *err, size_t errlen)
{
    defaults(o);
    int rc = pf_cli_parse(&cli, argc, argv, o, err, errlen);
    o->help = rc == 1;
    return rc < 0 ? -1 : 0;
}

int pf_bisect_args(int argc, char **argv, struct pf_bisect_opts *o)
{
    defaults(o);
    return pf_cli_args(&cli, argc, argv, o);
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

/* bisect.h: "pyfault bisect-run", the command git bisect run calls at each
 * step: options, and the pure rules that turn runs into git's verdict. */
#ifndef PF_BISECT_H
#define PF_BISECT_H

#include <stddef.h>

#include "classify.h"

/* git bisect run's exit codes. */
enum pf_bisect_status {
    PF_BISECT_GOOD = 0,     /* "old": the wanted class was not seen (--find-fix: seen) */
    PF_BISECT_BAD = 1,      /* "new" */
    PF_BISECT_SKIP = 125,   /* this commit cannot be built or run */
    PF_BISECT_BROKEN = 128, /* the harness or the command line is broken: git stops */
};

/* Classes wanted when --want is not given: every way an interpreter can
 * fail a failed allocation other than an exception (ok, error). */
#define PF_BISECT_DEFAULT_WANT \
    ((1u << PF_FATAL) | (1u << PF_ABORT) | (1u << PF_SEGFAULT) | (1u << PF_STACK_OVERFLOW) | \
     (1u << PF_UNWIND_LOOP) | (1u << PF_HANG) | (1u << PF_SIGNAL))

struct pf_bisect_opts {
    int help;
    const char *build;        /* --build CMD (sh -c), NULL: configure + make */
    unsigned want;            /* --want, class bits */
    const char *signature;    /* --signature TEXT: a substring of the signature */
    int find_fix;             /* --find-fix: seen is good, not seen is bad */
    const char *inject;       /* --inject SPEC, NULL: the scenario's own */
    double timeout_s;         /* --timeout, 0: the scenario's, else 30 */
    const char *python;       /* --python, NULL: ./python when built, else python3 */
    const char *scenario;     /* SCENARIO.py, or NULL with a command */
    int nscenarios;           /* SCENARIO.py words given (one is right) */
    char **command;           /* after "--" (into argv) */
    int ncommand;
};

/* Parses the words after "bisect-run" into O (pure; checks the --inject
 * spec and the --want classes). Returns 0 (O->help set for -h/--help), or
 * -1 with a one-line message in ERR. */
int pf_bisect_parse(int argc, char **argv, struct pf_bisect_opts *o, char *err, size_t errlen);
/* The same for the entry point (pf_cli_args): -1 to go on, else the exit
 * status (0 after --help, 128 after a usage error, both printed). */
int pf_bisect_args(int argc, char **argv, struct pf_bisect_opts *o);
/* Is a run of class CLS with signature SIG what O looks for? Pure. */
int pf_bisect_hit(const struct pf_bisect_opts *o, enum pf_class cls, const char *sig);
/* Does a run need a second one before git is told? True for a hit (a bad
 * verdict must repeat), a hang or a stray signal (timing-dependent) and a
 * harness-error. Pure. */
int pf_bisect_needs_confirm(int hit, enum pf_class cls);
/* The verdict from HITS of RUNS runs (majority; a tie counts as seen),
 * inverted by FIND_FIX. Pure. */
enum pf_bisect_status pf_bisect_verdict(unsigned hits, unsigned runs, int find_fix);
/* "good", "bad", "skip" or "broken". */
const char *pf_bisect_status_name(enum pf_bisect_status s);
/* The --help text, malloc'd (NULL on ENOMEM). */
char *pf_bisect_help(void);

#endif

/* options.h: command-line options of "pyfault run" and "pyfault sweep".
 * Parsing is pure (no files touched) so that it is unit-tested; checks
 * on the files named come later (target.h). */
#ifndef PF_OPTIONS_H
#define PF_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum pf_cmd { PF_CMD_RUN, PF_CMD_SWEEP };

#define PF_MODE_ONESHOT 1u
#define PF_MODE_PERSISTENT 2u

struct pf_options {
    enum pf_cmd cmd;
    int help;                 /* -h/--help was given */
    int quiet;                /* -q: no summary/progress */
    const char *python;       /* --python (default "python3") */
    const char *inject;       /* --inject SPEC, NULL when absent */
    double timeout_s;         /* --timeout, 0 = command's default */
    unsigned accept_mask;     /* --accept, bit (1 << class) */
    const char *json_path;    /* run: --json FILE */
    unsigned modes;           /* sweep: PF_MODE_* bits */
    uint64_t range_a, range_b;/* sweep: --range A:B (b = 0: open) */
    uint64_t stride;          /* sweep: --stride K (default 1) */
    unsigned shard_i, shard_n;/* sweep: --shard I/N, 1 <= I <= N */
    unsigned jobs;            /* sweep: -j N, 0 = number of cores */
    uint64_t plan_sites;      /* sweep: --plan sites:K -> K; 0 = --plan all */
    int plan_pow2;            /* sweep: --plan sites:log (1st, 2nd, 4th, ... per site) */
    int engine_fork;          /* sweep: --engine fork (else exec) */
    unsigned site_depth;      /* sweep: --site-depth D (frames in a site key) */
    const char *out_dir;      /* sweep: --out DIR */
    const char *resume_dir;   /* sweep: --resume DIR (its journal's options) */
    unsigned given;           /* bit (1 << option key) for each option given */
    char **scenarios;         /* positional scenario files (into argv) */
    int nscenarios;
    char **command;           /* after "--" (into argv), NULL when none */
    int ncommand;
};

/* Parses ARGV[0..ARGC) (the words after the subcommand) for CMD into O.
 * ARGV must outlive O; its scenario words are packed to its front. Returns
 * 0 (O->help set for -h/--help), or -1 with a one-line message naming the
 * problem in ERR. Pure. */
int pf_options_parse(enum pf_cmd cmd, int argc, char **argv,
                     struct pf_options *o, char *err, size_t errlen);
/* Checks the options GIVEN alongside --resume against REC, those the
 * sweep was started with: every option given must have REC's value, the
 * target words too; -j, -q, --out and --resume may differ. Returns 0, or
 * -1 with a one-line message naming the first conflict in ERR. Pure. */
int pf_options_conflict(const struct pf_options *given, const struct pf_options *rec,
                        char *err, size_t errlen);
/* The same for CMD's entry point (pf_cli_args): -1 to go on, else the
 * exit status (0 after --help, 2 after a usage error, both printed). */
int pf_options_args(enum pf_cmd cmd, int argc, char **argv, struct pf_options *o);
/* Option NAME's comma-separated class list TEXT into a bit mask. Returns
 * 0, or -1 with a message in ERR. Pure. */
int pf_parse_accept(const char *name, const char *text, unsigned *mask, char *err, size_t errlen);
/* --plan's value: "all" (*K = 0), "sites" (*K = 1), "sites:K", or
 * "sites:log" (*K = 1, *POW2 = 1). Returns 0, or -1 with a message in
 * ERR. Pure. */
int pf_parse_plan(const char *s, uint64_t *k, int *pow2, char *err, size_t errlen);
/* The plan as results.json names it: "all", or the site plan and its
 * depth D ("sites/8", "sites:3/8", "sites:log/8"), into OUT. Pure. */
void pf_plan_name(uint64_t k, int pow2, unsigned depth, char *out, size_t outlen);
/* --mode's value: oneshot, persistent or both, into *MODES (PF_MODE_*).
 * Returns 0, or -1 with a message in ERR. Pure. */
int pf_parse_mode(const char *val, unsigned *modes, char *err, size_t errlen);
/* --engine's value: exec (*FORK = 0) or fork (1). Returns 0, or -1 with
 * a message in ERR. Pure. */
int pf_parse_engine(const char *val, int *fork, char *err, size_t errlen);
/* The default -j: the cores online, one more with the fork engine (FORK),
 * whose workers take turns at the one fork server and would leave a core
 * idle meanwhile (13% more trials a second on a 2-core start-up sweep). */
unsigned pf_default_jobs(int fork);
/* "I/N" with 1 <= I <= N, or "auto": the scheduler's shard from the
 * environment (shard_auto.h). Returns 0, or -1 with a message naming S
 * (or the variable) in ERR. Pure but for auto's getenv. */
int pf_parse_shard(const char *s, unsigned *shard_i, unsigned *shard_n, char *err, size_t errlen);
/* Option NAME's value SPEC as a shim spec (injectors/pyfault.h); with
 * FILTERS_ONLY, one without a mode token (a sweep chooses the failures).
 * Returns 0, or -1 with a message in ERR. Pure. */
int pf_parse_inject(const char *name, const char *spec, int filters_only, char *err, size_t errlen);
/* The target words: SCENARIO.py (at most MAX of them, 0: any number) or
 * "-- CMD". Returns 0, or -1 with a message in ERR. Pure. */
int pf_check_target(int nscenarios, int max, int ncommand, char *err, size_t errlen);

#endif

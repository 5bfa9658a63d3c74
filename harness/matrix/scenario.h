/* scenario.h: a scenario file's header: what the case is, how to inject,
 * and which outcome each interpreter variant is expected to give.
 *
 * The header is the block of "# key: value" lines at the top of the file
 * (after an optional #! line), opened by "# pyfault-scenario: NAME":
 *
 *   # pyfault-scenario: gh134163-except-past-256
 *   # issue: https://github.com/python/cpython/issues/134163
 *   # plan: runtime            none | oneshot | persistent | both | runtime
 *   # inject: junk             optional spec flags/filters for every run
 *   # layer: pymem             optional: pymem (the default), libc or all;
 *                              added to inject as layer=...
 *   # timeout: 10              seconds per run: plain decimal (10, 2.5),
 *                              0.001 to 86400
 *   # needs: nogc_container    optional C extensions from scenarios/ext/
 *   # stride: 5                optional, for sweeps: every Kth point
 *   # pty: yes                 optional: stdin/stdout are a pseudo-terminal
 *   # expect: 3.11-vanilla=unwind-loop 3.11-patched=error *=ok|error
 *
 * The first comment line that is not "key: value" ends the header. */
#ifndef PF_SCENARIO_H
#define PF_SCENARIO_H

#include <stddef.h>

#include "classify.h"

enum pf_plan_kind {
    PF_PLAN_NONE,       /* run once, no injection */
    PF_PLAN_ONESHOT,    /* sweep nth=N */
    PF_PLAN_PERSISTENT, /* sweep from=N */
    PF_PLAN_BOTH,       /* both sweeps */
    PF_PLAN_RUNTIME,    /* run once; the scenario calls pyfault.set_nomemory */
};

#define PF_SCENARIO_MAX_EXPECT 16
#define PF_SCENARIO_MAX_NEEDS 4

struct pf_expectation {
    char variant[64];            /* "3.11-vanilla", ..., or "*" */
    unsigned classes;            /* bit (1u << enum pf_class) per allowed class */
};

struct pf_scenario {
    char path[4096];
    char name[128];
    char issue[256];
    enum pf_plan_kind plan;
    char inject[512];            /* "" when none */
    double timeout_s;
    unsigned stride;             /* 0 = every point */
    int pty;
    char needs[PF_SCENARIO_MAX_NEEDS][64];
    int nneeds;
    struct pf_expectation expect[PF_SCENARIO_MAX_EXPECT];
    int nexpect;
};

/* Parses the header of the scenario file at PATH. Returns 0, or -1 with a
 * one-line message naming the file, the line and the problem in ERR. */
int pf_scenario_load(const char *path, struct pf_scenario *out,
                     char *err, size_t errlen);
/* The same from TEXT (PATH only names it in messages). */
int pf_scenario_parse(const char *path, const char *text,
                      struct pf_scenario *out, char *err, size_t errlen);
/* Whether the N scenarios S can share one results.json: unique ids and
 * UTF-8 paths. Returns 0, or -1 with a one-line message in ERR naming
 * the file(s). */
int pf_scenarios_check(const struct pf_scenario *s, unsigned n,
                       char *err, size_t errlen);
/* The classes allowed on VARIANT: its own line, else "*", else 0 (no
 * expectation). */
unsigned pf_scenario_expected(const struct pf_scenario *s, const char *variant);
/* For `pty: yes` scenarios: the lines of the file at PATH that are neither
 * blank nor comments, each ending in a newline: what is typed at the
 * interpreter's prompt. Returns a malloc'd string, or NULL on error. */
char *pf_scenario_typed_input(const char *path);
/* "none", "oneshot", ... */
const char *pf_plan_kind_name(enum pf_plan_kind k);

#endif

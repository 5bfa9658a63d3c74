/* gate.h: the CI regression gate's verdict: which findings of a run are
 * new against a baseline, which cells break their expectation in a way
 * the baseline does not accept, and whether the run is whole. */
#ifndef PF_GATE_H
#define PF_GATE_H

#include <stddef.h>
#include <stdio.h>

#include "gate_baseline.h"
#include "report_model.h"

/* A violated cell: unexpected trials the baseline does not accept, or an
 * error (the cell could not run). */
struct pf_gate_cell {
    size_t cell;                 /* index into r->cells */
    long unaccepted;             /* its unexpected trials the baseline does not know */
    long counts[PF_CLASS_COUNT]; /* those of them listed in trials, by class */
};

struct pf_gate {
    size_t *new_findings;        /* indexes into r->findings, in file order */
    size_t n_new;
    struct pf_gate_cell *bad_cells; /* in file order */
    size_t n_bad;
    long known;                  /* unexpected trials the baseline accepts, all cells */
    int incomplete;              /* the run is incomplete and that is not allowed */
};

/* Judges R against B: a finding is new when its class + signature is not
 * in B (ok findings never are); a cell is violated when it could not run
 * or has an unexpected trial whose finding B does not know (an ok trial
 * where a crash was expected is never known); the run fails when it is
 * incomplete ("complete": false) unless ALLOW_INCOMPLETE. Returns 0, or
 * -1 on ENOMEM. Pure. */
int pf_gate_judge(const struct pf_baseline *b, const struct pf_results *r, int allow_incomplete,
                  struct pf_gate *g);
/* True when the gate passes: nothing new, nothing violated, and the run
 * complete or allowed to be incomplete. */
int pf_gate_passed(const struct pf_gate *g);
/* Writes the verdict for people: each new finding with class, signature,
 * where it occurs and its repro; each violated cell with its counts and
 * expected classes; an "INCOMPLETE run" line when that fails the gate;
 * then one "gate: PASS|FAIL ..." line. */
void pf_gate_print(FILE *f, const struct pf_results *r, const struct pf_gate *g,
                   const char *baseline_name, size_t baseline_n);
/* Writes the verdict as JUnit XML (reports/junit.xsd): a testsuite
 * "pyfault.gate" with a testcase for the run's completeness, one per
 * cell (failure when violated) and one per finding (failure when new). */
void pf_gate_junit(FILE *f, const struct pf_results *r, const struct pf_gate *g);
/* Frees G. */
void pf_gate_free(struct pf_gate *g);

#endif

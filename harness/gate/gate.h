/* gate.h: the CI regression gate's verdict: which findings of a run are
 * new against a baseline, and which cells break their expectation. */
#ifndef PF_GATE_H
#define PF_GATE_H

#include <stddef.h>
#include <stdio.h>

#include "gate_baseline.h"
#include "report_model.h"

struct pf_gate {
    size_t *new_findings;        /* indexes into r->findings, in file order */
    size_t n_new;
    size_t *bad_cells;           /* indexes into r->cells: unexpected > 0 or error */
    size_t n_bad;
};

/* Judges R against B: a finding is new when its class + signature is not
 * in B (ok findings never are); a cell is violated when it has unexpected
 * trials or could not run. Returns 0, or -1 on ENOMEM. Pure. */
int pf_gate_judge(const struct pf_baseline *b, const struct pf_results *r, struct pf_gate *g);
/* True when the gate passes: nothing new, nothing violated. */
int pf_gate_passed(const struct pf_gate *g);
/* Writes the verdict for people: each new finding with class, signature,
 * where it occurs and its repro; each violated cell with its counts and
 * expected classes; then one "gate: PASS|FAIL ..." line. */
void pf_gate_print(FILE *f, const struct pf_results *r, const struct pf_gate *g,
                   const char *baseline_name, size_t baseline_n);
/* Writes the verdict as JUnit XML (reports/junit.xsd): a testsuite
 * "pyfault.gate" with a testcase per cell (failure when violated) and a
 * testcase per finding (failure when new). */
void pf_gate_junit(FILE *f, const struct pf_results *r, const struct pf_gate *g);
/* Frees G. */
void pf_gate_free(struct pf_gate *g);

#endif

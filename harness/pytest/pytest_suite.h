/* pytest_suite.h: a pytest suite as the plugin (scenarios/lib/
 * pyfault_pytest.py) reports it: each test's node id, outcome and eligible
 * allocations in its call region, from two counting runs, and the verdict
 * on each test: swept, or skipped with a note. */
#ifndef PF_PYTEST_SUITE_H
#define PF_PYTEST_SUITE_H

#include <stddef.h>
#include <stdint.h>

/* What becomes of a test. */
enum pf_pytest_status {
    PF_PYTEST_SWEEP = 0,     /* passed twice with the same count > 0: swept */
    PF_PYTEST_NO_POINTS,     /* passed twice, no eligible allocation in its call */
    PF_PYTEST_FLAKY,         /* outcome or count differs across the two runs */
    PF_PYTEST_NOT_PASSING,   /* did not pass without injection (failed, skipped, ...) */
    PF_PYTEST_NOT_REACHED,   /* to be swept, but the run stopped before its sweep */
    PF_PYTEST_INTERRUPTED,   /* its sweep began and was cut short */
};

/* One test of the suite. */
struct pf_pytest_test {
    char *nodeid;            /* owned */
    char outcome[2][32];     /* per counting run: "passed", "failed", "setup-skipped", "absent" ... */
    uint64_t count[2];       /* per counting run: eligible allocations in its region */
    enum pf_pytest_status status;
    char note[256];          /* why it is skipped; "" when swept */
    int target;              /* its sweep target's index, -1 when not swept */
};

struct pf_pytest_suite {
    struct pf_pytest_test *v;
    size_t n, cap;
};

/* Reads the plugin's report PATH as counting run RUN (0 or 1) into S:
 * tests new to S are appended in report order (a test missing from one
 * run gets the outcome "absent" there). A report made without regions
 * ("region": false: --pyfault-no-region, as from pytest's addopts) is
 * refused. Returns 0, or -1 with a one-line
 * message in ERR. */
int pf_pytest_suite_read(struct pf_pytest_suite *s, const char *path, int run,
                         char *err, size_t errlen);
/* Judges each test of S from its two runs (status, note); pure. */
void pf_pytest_suite_judge(struct pf_pytest_suite *s);
/* Why S, judged, has no test to sweep, into BUF: "pytest ran no test",
 * or "of N tests run without injection: F failed, S skipped, ..."
 * counting each reason (not passing by outcome, flaky, no points). Pure. */
void pf_pytest_suite_why_none(const struct pf_pytest_suite *s, char *buf, size_t len);
/* "sweep", "no-points", "flaky", "not-passing", "not-reached",
 * "interrupted". */
const char *pf_pytest_status_name(enum pf_pytest_status st);
/* Frees S. */
void pf_pytest_suite_free(struct pf_pytest_suite *s);

#endif

/* pytest_json.h: the "pytest" section of a `pyfault pytest` results.json:
 * outcomes grouped by test (additive to the sweep's schema). */
#ifndef PF_PYTEST_JSON_H
#define PF_PYTEST_JSON_H

#include <stddef.h>

#include "pytest_suite.h"
#include "sweep.h"

/* Adds to the results.json at PATH (written by pf_sweep_json_write for SW
 * and TARGETS) a top-level "pytest" object: the pytest words ARGV[0..ARGC),
 * and for every test of S in suite order its node id, status and note, the
 * outcomes and eligible allocations of both counting runs, and, when swept,
 * its target index, points, trials, counts per class and finding ids.
 * Rewrites PATH atomically. Returns 0, or -1 with a message in ERR. */
int pf_pytest_json_add(const char *path, const struct pf_pytest_suite *s,
                       const struct pf_sweep *sw, const struct pf_sweep_target *targets,
                       int argc, char *const argv[], char *err, size_t errlen);

#endif

/*
 * report_fixture.h: a results.json (reports/results.schema.json) shaped
 * like the one pyfault matrix writes, for the report and merge tests.
 */
#ifndef PYFAULT_TEST_REPORT_FIXTURE_H
#define PYFAULT_TEST_REPORT_FIXTURE_H

#include <jansson.h>

/* A run of six interpreters (3.11-vanilla, -patched, -regress,
 * 3.13-vanilla, -patched, system) over a start-up sweep (persistent,
 * stride 25, the band of unwind-loops of unpatched 3.11 between points
 * ~6750 and ~22850) and three single-run scenarios with expectations.
 * Totals are computed from the trials, as the matrix does. SHARD_N 0: the
 * whole run; else shard SHARD_I of SHARD_N: sweep points number I, I+N,
 * ... of each cell, single runs in shard 1 only. Returns a new reference. */
json_t *report_fixture(int shard_i, int shard_n);
/* Writes J to PATH (indented). Fails the test when it cannot. */
void report_fixture_write(json_t *j, const char *path);

#endif

/*
 * engines.h: one sweep under both engines (`--engine exec` and
 * `--engine fork`), and what the fork engine's results must share with
 * the exec engine's. For test_fork_engine and test_fork_state.
 */
#ifndef PYFAULT_TEST_ENGINES_H
#define PYFAULT_TEST_ENGINES_H

#include <jansson.h>

/* The interpreter the engines are compared on. */
#define ENGINES_PY "/usr/bin/python3.11"

/* "pyfault sweep --engine ENGINE ARGS..." -> results.json (a new
 * reference); prints its trials and wall time. */
json_t *engine_sweep(const char *engine, const char *const *args);
/* The "engine" object of J's first target (borrowed). */
json_t *engine_of(json_t *j);
/* The count KEY ("forked", "exec_state", ...) of J's engine object. */
json_int_t engine_count(json_t *j, const char *key);
/* The allocations the counting run of J's first target counted. */
json_int_t counted_allocations(json_t *j);
/* Fails unless EX and FK have the same findings; prints the per-point
 * agreement. */
void expect_same_findings(const char *what, json_t *ex, json_t *fk);
/* One sweep with each engine into EX and FK; returns the fork sweep's M. */
json_int_t both_engines(const char *const *args, json_t **ex, json_t **fk);
/* Fails unless every trial's class at its point and mode under fork is exec's.
 */
void expect_same_classes(const char *what, json_t *ex, json_t *fk);
/* SCRIPT swept with OPTS and a region under both engines; every exec'd
 * trial (every 4th point unless OPTS has --stride) and every forked one
 * must end as EXEC_CLASS. */
void region_both_engines(const char *what, const char *script,
                         const char *const *opts, const char *exec_class,
                         json_t **ex, json_t **fk);
/* As region_both_engines, and no point may fork: every one exec'd for its
 * state. */
void expect_state_exec(const char *what, const char *script,
                       const char *const *opts, const char *exec_class);
/* As region_both_engines in both modes, and every point the server reaches
 * forks. */
void expect_forked(const char *what, const char *script,
                   const char *exec_class);

#endif

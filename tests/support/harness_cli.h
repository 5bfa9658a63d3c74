/*
 * harness_cli.h: run build/pyfault from a test and read its JSON output.
 */
#ifndef PYFAULT_TEST_HARNESS_CLI_H
#define PYFAULT_TEST_HARNESS_CLI_H

#include <jansson.h>
#include <sys/types.h>

#include "proc.h"

/* The pyfault under test: $PYFAULT_TEST_BIN (relative to the project, as
 * tests/run-all.sh sets it for a sanitized build), else build/pyfault. */
const char *harness_bin(void);
/* Runs build/pyfault ARGS... (NULL-terminated) and waits; R gets its
 * status and output, *WALL_S (may be NULL) its wall time. Fails the test
 * when it cannot be started. */
void harness_cli(const char *const *args, struct proc_result *r, double *wall_s);
/* Runs "build/pyfault run --json TMP ARGS..." and returns the parsed
 * object (a new reference); *STATUS gets the exit status, *WALL_S (may be
 * NULL) the wall time. Fails the test when no JSON was written. */
json_t *harness_run_json(const char *const *args, int *status, double *wall_s);
/* Runs "build/pyfault sweep -q --out TMP ARGS..." and returns TMP's
 * results.json parsed (a new reference); *STATUS gets the exit status,
 * *WALL_S (may be NULL) the wall time. Fails the test when no
 * results.json was written. */
json_t *harness_sweep_json(const char *const *args, int *status, double *wall_s);
/* harness_sweep_json of HEAD's words, then ARGS' (each NULL-terminated);
 * fails the test on an exit status above 1 (findings are 1). */
json_t *harness_sweep_with(const char *const *head, const char *const *args);
/* DIR/results.json, parsed (a new reference). Fails the test, naming the
 * file, when it cannot be read. */
json_t *harness_results(const char *dir);
/* "pyfault merge INPUTS... -o OUT" (INPUTS NULL-terminated, at most 16);
 * fails the test unless it exits 0. */
void harness_merge(const char *out, const char *const *inputs);
/* Starts build/pyfault ARGS... (NULL-terminated) in the background, its
 * stdout and stderr on /dev/null, with TMPDIR set to TMPDIR when that is
 * not NULL; returns its pid for the caller to wait for. Fails the test
 * when it cannot fork. */
pid_t harness_start(const char *const *args, const char *tmpdir);
/* A fresh temporary directory (static storage, overwritten by the next
 * call), removed with all it holds when the test program exits. Fails the
 * test when it cannot be made. */
const char *harness_tmpdir(void);
/* How many entries DIR holds, "." and ".." aside (-1: unreadable). */
int harness_count_files(const char *dir);
/* How many of DIR's entries carry ".tmp." in their name, an atomic
 * writer's temp files (0: no DIR). */
int harness_temp_files(const char *dir);
/* The string member KEY of O, or "" when absent. */
const char *harness_str(json_t *o, const char *key);
/* The trials of results R as sorted lines "mode|class|signature|site_key",
 * each led by "POINT|" when WITH_POINT (malloc'd; for comparing sweeps). */
char *harness_trial_lines(json_t *r, int with_point);
/* Does the array FINDINGS hold one with F's class and signature? */
int harness_has_finding(json_t *findings, json_t *f);
/* True when stderr text ERR is exactly one non-empty line starting with
 * "pyfault". */
int harness_one_line(const char *err);
/* Runs build/pyfault ARGS... and fails the test unless it exits 2 with
 * one line on stderr containing WANT and nothing on stdout. */
void harness_expect_usage_error(const char *const *args, const char *want);
/* harness_expect_usage_error, but pyfault is killed after SECONDS (a
 * hang fails the test instead of stopping the suite); 0: no limit. */
void harness_expect_usage_error_within(const char *const *args, const char *want, int seconds);

#endif

/*
 * test_write_fail: build/pyfault writing into a full 64 KiB tmpfs and into
 * a read-only one: sweep's journal and results.json (a resumed sweep's),
 * report's junit.xml/summary.md/
 * index.html, merge -o, gate --junit and --update-baseline, run --json,
 * matrix --out. Each fails with exit 2 and the one line
 * "pyfault CMD: PATH: strerror"; the previous files stay byte for byte and
 * no temp file is left behind. A sweep whose journal fills the disk part
 * way says so in that one line too (not results.json's failure after it),
 * and a --resume once there is room finishes it. Needs root for mount;
 * skips otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "report_fixture.h"
#include "skipping.h"
#include "tmpdir.h"
#include "tmpfs.h"

/* results.json, junit.xml, summary.md, index.html, journal.jsonl, .lock */
#define FILES_AFTER_SWEEP 6

/* Runs build/pyfault ARGS and fails the test unless it exits 2 with
 * exactly the line "pyfault CMD: PATH: WHY" on stderr. */
static void expect_write_error(const char *const *args, const char *cmd, const char *path,
                               const char *why)
{
    struct proc_result r;
    harness_cli(args, &r, NULL);
    char want[1200];
    snprintf(want, sizeof want, "pyfault %s: %s: %s\n", cmd, path, why);
    if (r.exit_code != 2 || strcmp(r.err, want) != 0)
        fail_msg("status %d, stderr '%s' (wanted status 2 and '%s')", r.exit_code, r.err, want);
    proc_result_free(&r);
}

/* Copies FROM to TO, failing the test when it cannot. */
static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out)
        fail_msg("cannot copy %s to %s", from, to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* A finished sweep's folder in MNT: results.json, the three reports and
 * the journal. */
static void sweep_into(const char *mnt)
{
    const char *args[] = {"sweep", "-q", "--range", "1:20", "--out", mnt, "--",
                          project_path("build/targets/h_exit0"), NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("first sweep: status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    assert_int_equal(harness_count_files(mnt), FILES_AFTER_SWEEP);
}

/* Every file of the sweep's folder, read now. */
struct snapshot {
    char *text[FILES_AFTER_SWEEP];
};
static const char *const names[FILES_AFTER_SWEEP] = {"results.json", "junit.xml", "summary.md",
                                                     "index.html", "journal.jsonl", ".lock"};

static void take(const char *mnt, struct snapshot *s)
{
    for (int i = 0; i < FILES_AFTER_SWEEP; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", mnt, names[i]);
        s->text[i] = tmpfs_slurp(path);
        assert_non_null(s->text[i]);
    }
}

/* Fails unless every file is what snapshot S saw and nothing else (no
 * temp file) was added but EXTRA files. */
static void unchanged(const char *mnt, struct snapshot *s, int extra)
{
    for (int i = 0; i < FILES_AFTER_SWEEP; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", mnt, names[i]);
        char *now = tmpfs_slurp(path);
        assert_non_null(now);
        if (strcmp(now, s->text[i]) != 0)
            fail_msg("%s changed", path);
        free(now);
    }
    assert_int_equal(harness_count_files(mnt), FILES_AFTER_SWEEP + extra);
}

static void release(struct snapshot *s)
{
    for (int i = 0; i < FILES_AFTER_SWEEP; i++)
        free(s->text[i]);
}

static void test_full_disk(void **state)
{
    char *mnt = *state;
    char path[700], shard[2][700], merged[700], junit[700];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 64) < 0)
        skip_because(mnt);
    sweep_into(mnt);
    struct snapshot s;
    take(mnt, &s);
    /* two shards of a run, on a disk with room, for merge */
    char roomy[600];
    snprintf(roomy, sizeof roomy, "%s", harness_tmpdir());
    for (int k = 0; k < 2; k++) {
        snprintf(shard[k], sizeof shard[k], "%s/s%d.json", roomy, k + 1);
        json_t *fixture = report_fixture(k + 1, 2);
        report_fixture_write(fixture, shard[k]);
        json_decref(fixture);
    }
    assert_int_equal(tmpfs_fill(mnt), 0);
    const char *enospc = "No space left on device";

    /* a sweep finds out before it runs a single trial: its journal, the
     * first thing it writes, does not fit */
    const char *sweep[] = {"sweep", "-q", "--range", "1:20", "--out", mnt, "--",
                           project_path("build/targets/h_exit0"), NULL};
    snprintf(path, sizeof path, "%s/journal.jsonl", mnt);
    expect_write_error(sweep, "sweep", path, enospc);
    unchanged(mnt, &s, 1);
    /* resumed, the finished sweep has nothing to journal: results.json */
    const char *resume[] = {"sweep", "-q", "--resume", mnt, NULL};
    snprintf(path, sizeof path, "%s/results.json", mnt);
    expect_write_error(resume, "sweep", path, enospc);
    unchanged(mnt, &s, 1);

    const char *report[] = {"report", mnt, NULL};
    snprintf(path, sizeof path, "%s/junit.xml", mnt);
    expect_write_error(report, "report", path, enospc);
    unchanged(mnt, &s, 1);

    snprintf(path, sizeof path, "%s/result.json", mnt);
    const char *run[] = {"run", "-q", "--json", path, "--", project_path("build/targets/h_exit0"),
                         NULL};
    expect_write_error(run, "run", path, enospc);
    unchanged(mnt, &s, 1);

    snprintf(merged, sizeof merged, "%s/merged.json", mnt);
    const char *merge[] = {"merge", shard[0], shard[1], "-o", merged, NULL};
    expect_write_error(merge, "merge", merged, enospc);
    unchanged(mnt, &s, 1);

    char results[700];
    snprintf(results, sizeof results, "%s/results.json", mnt);
    snprintf(junit, sizeof junit, "%s/gate.xml", mnt);
    const char *gate[] = {"gate", "--baseline", results, results, "--junit", junit, NULL};
    expect_write_error(gate, "gate", junit, enospc);
    unchanged(mnt, &s, 1);
    /* the baseline rewritten in place: it stays as it was (RESULTS a copy
     * of it elsewhere: gate refuses one file as both) */
    char copy[700];
    snprintf(copy, sizeof copy, "%s/results-copy.json", roomy);
    copy_file(results, copy);
    const char *update[] = {"gate", "--baseline", results, "--update-baseline", copy, NULL};
    expect_write_error(update, "gate", results, enospc);
    unchanged(mnt, &s, 1);

    release(&s);
    for (int k = 0; k < 2; k++)
        unlink(shard[k]);
    rmdir(roomy);
}

/* The disk fills while the sweep runs: its journal's line about trial 200
 * or so does not fit. The sweep stops with the journal's one line (the
 * results.json it still tries to write after it does not fit either, and
 * says nothing), leaves no results.json nor temp file, and a --resume on
 * a bigger disk finishes every trial. */
static void test_full_disk_mid_sweep(void **state)
{
    char *mnt = *state;
    char path[700];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 64) < 0)
        skip_because(mnt);
    /* 1000 trials of about 280 journaled bytes each */
    const char *sweep[] = {"sweep", "-q", "--range", "1:1000", "--out", mnt, "--",
                           project_path("build/targets/h_alloc_loop"), "1000", NULL};
    snprintf(path, sizeof path, "%s/journal.jsonl", mnt);
    expect_write_error(sweep, "sweep", path, "No space left on device");
    /* the journal and the lock: no results.json, no reports, no temp file */
    assert_int_equal(harness_count_files(mnt), 2);
    char *journal = tmpfs_slurp(path);
    assert_non_null(journal);
    size_t lines = 0;
    for (const char *c = journal; *c; c++)
        lines += *c == '\n';
    free(journal);
    if (lines < 10 || lines > 900)
        fail_msg("%zu journal lines: the disk did not fill part way through", lines);

    assert_int_equal(tmpfs_resize(mnt, 4096), 0);
    const char *resume[] = {"sweep", "-q", "--resume", mnt, NULL};
    struct proc_result r;
    harness_cli(resume, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("--resume: status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    json_t *res = harness_results(mnt);
    assert_true(json_is_true(json_object_get(res, "complete")));
    assert_int_equal(json_array_size(json_object_get(res, "trials")), 1000);
    json_decref(res);
}

static void test_read_only_folder(void **state)
{
    char *mnt = *state;
    char path[700];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 256) < 0)
        skip_because(mnt);
    sweep_into(mnt);
    struct snapshot s;
    take(mnt, &s);
    assert_int_equal(tmpfs_remount_ro(mnt), 0);
    const char *erofs = "Read-only file system";

    /* a sweep finds out before it runs a single trial */
    const char *sweep[] = {"sweep", "-q", "--range", "1:20", "--out", mnt, "--",
                           project_path("build/targets/h_exit0"), NULL};
    expect_write_error(sweep, "sweep", mnt, erofs);
    const char *matrix[] = {"matrix", "-q", "--interp", "sys=/usr/bin/python3.11", "--out", mnt,
                            project_path("scenarios/set_nomemory/except_past_256.py"), NULL};
    expect_write_error(matrix, "matrix", mnt, erofs);

    /* report too, before it locks the folder */
    const char *report[] = {"report", mnt, NULL};
    expect_write_error(report, "report", mnt, erofs);

    snprintf(path, sizeof path, "%s/result.json", mnt);
    const char *run[] = {"run", "-q", "--json", path, "--", project_path("build/targets/h_exit0"),
                         NULL};
    expect_write_error(run, "run", path, erofs);

    char results[700], junit[700];
    snprintf(results, sizeof results, "%s/results.json", mnt);
    snprintf(junit, sizeof junit, "%s/gate.xml", mnt);
    const char *gate[] = {"gate", "--baseline", results, results, "--junit", junit, NULL};
    expect_write_error(gate, "gate", junit, erofs);
    unchanged(mnt, &s, 0);
    release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_disk, tmpfs_setup, tmpfs_teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_mid_sweep, tmpfs_setup, tmpfs_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, tmpfs_setup, tmpfs_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_write_fail: build/pyfault writing into a full 64 KiB tmpfs and into
 * a read-only one: sweep's journal and results.json (a resumed sweep's),
 * report's junit.xml/summary.md/
 * index.html, merge -o, gate --junit and --update-baseline, run --json,
 * matrix --out. Each fails with exit 2 and the one line
 * "pyfault CMD: PATH: strerror"; the previous files stay byte for byte and
 * no temp file is left behind. A sweep whose journal fills the disk part
 * way says so in that one line too (not results.json's failure after it),
 * and a --resume once there is room finishes it. With room for some of
 * the three reports but not all, report and sweep leave the old reports
 * (or none) whole, never a new one beside old ones. Needs root for mount;
 * skips otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* MNT's disk filled again, then ROOM bytes (whole pages) freed. */
static void leave_room(const char *mnt, off_t room)
{
    char fill[700];
    struct stat st;
    snprintf(fill, sizeof fill, "%s/fill", mnt);
    unlink(fill);
    assert_int_equal(tmpfs_fill(mnt), 0);
    assert_int_equal(stat(fill, &st), 0);
    assert_true(st.st_size >= room);
    assert_int_equal(truncate(fill, st.st_size - room), 0);
}

/* Which of the three reports are in DIR, a bit each. */
static int reports_in(const char *dir)
{
    int bits = 0;
    for (int i = 1; i <= 3; i++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        bits |= (access(path, F_OK) == 0) << (i - 1);
    }
    return bits;
}

/* Runs ARGS (exit 0 or 2 with one "No space left on device" line); returns
 * the status. */
static int run_short_of_room(const char *const *args)
{
    struct proc_result r;
    harness_cli(args, &r, NULL);
    int status = r.exit_code;
    if (!(status == 0 || (status == 2 && harness_one_line(r.err) &&
                          strstr(r.err, ": No space left on device\n"))))
        fail_msg("status %d, stderr '%s'", status, r.err);
    proc_result_free(&r);
    return status;
}

/* The size of DIR/junit.xml. */
static off_t junit_size(const char *dir)
{
    char path[700];
    struct stat st;
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

/* `pyfault report` with one more page of room each time, until it
 * succeeds: each failure leaves the old reports byte for byte (in a folder
 * that had none, none) and no temp file; a new junit.xml fitting where
 * summary.md or index.html did not must not be renamed (it was, while
 * each file's last write met the full disk only at its commit). */
static void test_report_set_short_of_room(void **state)
{
    char *mnt = *state;
    char old[600], fresh[600], path[700];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 2048) < 0)
        skip_because(mnt);
    /* OLD: a sweep's reports, then the results.json of a sweep with
     * findings (an index.html of about 30 KB: its last 8 KB reach the disk
     * only at the end, after the smaller files' would have been renamed);
     * FRESH: that results.json alone */
    snprintf(old, sizeof old, "%s/old", mnt);
    snprintf(fresh, sizeof fresh, "%s/fresh", mnt);
    assert_int_equal(mkdir(old, 0755), 0);
    assert_int_equal(mkdir(fresh, 0755), 0);
    sweep_into(old);
    char roomy[600], other[700];
    snprintf(roomy, sizeof roomy, "%s", harness_tmpdir());
    const char *longer[] = {"sweep", "-q", "--range", "1:200", "--out", roomy, "--",
                            project_path("build/targets/resume_mixed"), NULL};
    struct proc_result r;
    harness_cli(longer, &r, NULL);
    assert_int_equal(r.exit_code, 1); /* findings */
    proc_result_free(&r);
    snprintf(other, sizeof other, "%s/results.json", roomy);
    snprintf(path, sizeof path, "%s/results.json", old);
    copy_file(other, path);
    snprintf(path, sizeof path, "%s/results.json", fresh);
    copy_file(other, path);
    for (int i = 0; i < FILES_AFTER_SWEEP; i++) {
        snprintf(path, sizeof path, "%s/%s", roomy, names[i]);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(roomy), 0);
    struct snapshot s;
    take(old, &s);

    const char *dirs[] = {old, fresh};
    for (int k = 0; k < 2; k++) {
        const char *report[] = {"report", dirs[k], NULL};
        off_t room = 0, failed_with = -1;
        for (; room <= 2048 * 1024; room += 4096) {
            leave_room(mnt, room);
            if (run_short_of_room(report) == 0)
                break;
            failed_with = room;
            assert_int_equal(harness_temp_files(dirs[k]), 0);
            if (k == 0)
                unchanged(old, &s, 0);
            else if (reports_in(fresh) != 0)
                fail_msg("%ld bytes free: reports %#x left in a folder that had none",
                         (long)room, reports_in(fresh));
        }
        assert_true(room <= 2048 * 1024);
        assert_int_equal(reports_in(dirs[k]), 7);
        /* the case that matters was met: room for junit.xml, not for all */
        if (failed_with < junit_size(dirs[k]))
            fail_msg("never short of room with junit.xml fitting (%ld < %ld)", (long)failed_with,
                     (long)junit_size(dirs[k]));
    }
    release(&s);
}

/* A sweep writes its reports the same way: short of room for them, its
 * folder has all three or none, and no temp file. */
static void test_sweep_reports_short_of_room(void **state)
{
    char *mnt = *state;
    char out[600];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 2048) < 0)
        skip_because(mnt);
    snprintf(out, sizeof out, "%s/out", mnt);
    const char *sweep[] = {"sweep", "-q", "--range", "1:20", "--out", out, "--",
                           project_path("build/targets/h_exit0"), NULL};
    off_t room = 0, failed_with = -1;
    for (; room <= 2048 * 1024; room += 4096) {
        /* a fresh folder each time: nothing of the last sweep's on the disk */
        for (int i = 0; i < FILES_AFTER_SWEEP; i++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", out, names[i]);
            unlink(path);
        }
        rmdir(out);
        leave_room(mnt, room);
        if (run_short_of_room(sweep) == 0)
            break;
        assert_int_equal(harness_temp_files(out), 0);
        if (reports_in(out) != 0)
            fail_msg("%ld bytes free: reports %#x left of three", (long)room, reports_in(out));
        if (access(out, F_OK) == 0 && harness_count_files(out) >= 3)
            failed_with = room; /* results.json written: the reports failed */
    }
    assert_true(room <= 2048 * 1024);
    assert_int_equal(reports_in(out), 7);
    if (failed_with < junit_size(out))
        fail_msg("never short of room with junit.xml fitting (%ld < %ld)", (long)failed_with,
                 (long)junit_size(out));
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
        cmocka_unit_test_setup_teardown(test_report_set_short_of_room, tmpfs_setup, tmpfs_teardown),
        cmocka_unit_test_setup_teardown(test_sweep_reports_short_of_room, tmpfs_setup,
                                        tmpfs_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, tmpfs_setup, tmpfs_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

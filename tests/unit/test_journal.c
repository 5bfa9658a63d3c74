/*
 * test_journal: a sweep's journal (harness/sweep/journal.c) written and
 * read back: the invocation, targets and trials as they were; a torn last
 * line ignored, then cut off when appending goes on; a bad line before
 * the last, another version, a file that is no journal, a trial at a
 * point its plan never chose: one-line errors.
 */
#include <fcntl.h>
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

#include "classify.h"
#include "forkserver.h"
#include "harness_cli.h"
#include "journal.h"
#include "options.h"
#include "supervise.h"

/* What the reader's callback saw. */
struct seen {
    int n;
    struct pf_journal_trial first, last;
    char signature[256], repro[256], tail[256];
    int refuse_at; /* the callback fails at this trial (1-based), 0: never */
};

static int collect(void *arg, const struct pf_journal_trial *t, char *err, size_t errlen)
{
    struct seen *s = arg;
    if (++s->n == s->refuse_at) {
        snprintf(err, errlen, "refused");
        return -1;
    }
    if (s->n == 1)
        s->first = *t;
    s->last = *t;
    snprintf(s->signature, sizeof s->signature, "%s", t->signature);
    snprintf(s->repro, sizeof s->repro, "%s", t->repro);
    snprintf(s->tail, sizeof s->tail, "%s", t->stderr_tail);
    return 0;
}

static void write_file(const char *path, const char *text, const char *mode)
{
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Removes DIR and its journal. */
static void drop(const char *dir)
{
    char path[700];
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static const struct pf_journal_trial segv = {
    .target = 1, .point = 77, .mode = PF_MODE_PERSISTENT, .cls = PF_SEGFAULT,
    .sub = PF_SUB_NONE, .exit_code = -1, .signal = 11, .duration_ms = 12, .injected = 3,
    .first_injected = 77, .reached = 1, .engine = PF_FORKSRV_FORKED, .stop = PF_STOP_LOOP,
    .precopied = 1, .signature = "segfault: f < g", .repro = "pyfault run --inject from=77 -- t",
    .stderr_tail = "line\n\"quoted\"\n", .error = "",
    .has_plan_key = 1, .plan_key = 0x8000000000000001ull, .plan_nth = 2,
};

/* A journal in a fresh folder (returned in DIR) with two targets, a hang
 * trial and SEGV. */
static void write_journal(char *dir, size_t dirlen)
{
    struct pf_journal j;
    char err[512];
    snprintf(dir, dirlen, "%s", harness_tmpdir());
    char *argv[] = {"--mode", "both", "--out", dir, "--", "prog", "a b"};
    assert_int_equal(pf_journal_create(&j, dir, "/some/where", 7, argv, err, sizeof err), 0);
    struct pf_journal_target t0 = {.allocations = 9, .pace = {.wall_ms = 4, .allocations = 11, .max_gap_ms = 2}, .points = 9,
                                   .plan_hash = 0xfedcba9876543210ull};
    struct pf_journal_target t1 = {.allocations = 100, .pace = {.wall_ms = 40}, .points = 10,
                                   .plan_hash = 1, .has_sites_hash = 1,
                                   .sites_hash = 0xffffffffffffffffull};
    assert_int_equal(pf_journal_add_target(&j, 0, &t0, err, sizeof err), 0);
    assert_int_equal(pf_journal_add_target(&j, 1, &t1, err, sizeof err), 0);
    struct pf_journal_trial hang = {
        .target = 0, .point = 3, .mode = PF_MODE_ONESHOT, .cls = PF_HANG,
        .sub = PF_SUB_SPINNING, .exit_code = 0, .signal = 0, .signature = "hang: spin",
        .repro = "", .stderr_tail = "", .error = "", .has_past_m = 1, .past_m = 2,
    };
    assert_int_equal(pf_journal_add_trial(&j, &hang, err, sizeof err), 0);
    assert_int_equal(pf_journal_add_trial(&j, &segv, err, sizeof err), 0);
    pf_journal_close(&j);
}

static void test_round_trip(void **state)
{
    (void)state;
    char dir[600], err[1024];
    struct pf_journal_head h;
    struct seen s = {0};
    write_journal(dir, sizeof dir);
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), 0);
    assert_string_equal(h.cwd, "/some/where");
    assert_int_equal(h.argc, 7);
    assert_string_equal(h.argv[0], "--mode");
    assert_string_equal(h.argv[3], dir);
    assert_string_equal(h.argv[6], "a b");
    assert_null(h.argv[7]);
    /* parsed once, here: --resume takes these options */
    assert_true(h.parsed);
    assert_string_equal(h.parse_error, "");
    assert_int_equal(h.options.modes, PF_MODE_ONESHOT | PF_MODE_PERSISTENT);
    assert_string_equal(h.options.out_dir, dir);
    assert_int_equal(h.options.ncommand, 2);
    assert_string_equal(h.options.command[1], "a b");
    assert_true(h.has_selection);
    assert_int_equal(h.good_len, h.len);
    assert_true(h.targets[0].present && h.targets[1].present && !h.targets[2].present);
    assert_int_equal(h.targets[0].allocations, 9);
    assert_int_equal(h.targets[0].pace.wall_ms, 4);
    assert_int_equal(h.targets[0].pace.allocations, 11);
    assert_int_equal(h.targets[0].pace.max_gap_ms, 2);
    assert_true(h.targets[0].plan_hash == 0xfedcba9876543210ull);
    assert_int_equal(h.targets[1].points, 10);
    assert_false(h.targets[0].has_sites_hash);
    assert_true(h.targets[1].has_sites_hash);
    assert_true(h.targets[1].sites_hash == 0xffffffffffffffffull);
    assert_int_equal(pf_journal_trials(&h, dir, collect, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    const struct pf_journal_trial *t = &s.last;
    assert_int_equal(t->target, 1);
    assert_int_equal(t->point, 77);
    assert_int_equal(t->mode, PF_MODE_PERSISTENT);
    assert_int_equal(t->cls, PF_SEGFAULT);
    assert_int_equal(t->exit_code, -1);
    assert_int_equal(t->signal, 11);
    assert_int_equal(t->duration_ms, 12);
    assert_int_equal(t->injected, 3);
    assert_int_equal(t->first_injected, 77);
    assert_int_equal(t->reached, 1);
    assert_int_equal(t->engine, PF_FORKSRV_FORKED);
    assert_int_equal(t->precopied, 1);
    assert_int_equal(t->stop, PF_STOP_LOOP);
    assert_true(t->has_plan_key);
    assert_true(t->plan_key == 0x8000000000000001ull);
    assert_int_equal(t->plan_nth, 2);
    assert_false(t->has_past_m);
    assert_true(s.first.has_past_m);
    assert_int_equal(s.first.past_m, 2);
    assert_false(s.first.has_plan_key);
    assert_string_equal(s.signature, segv.signature);
    assert_string_equal(s.repro, segv.repro);
    assert_string_equal(s.tail, segv.stderr_tail);
    /* the callback's refusal stops the reading with its line */
    s = (struct seen){.refuse_at = 2};
    assert_int_equal(pf_journal_trials(&h, dir, collect, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "journal.jsonl: line 5: refused"));
    pf_journal_head_free(&h);
    drop(dir);
}

static void test_torn_line(void **state)
{
    (void)state;
    char dir[600], path[700], err[1024];
    struct pf_journal_head h;
    struct pf_journal j;
    struct seen s = {0};
    write_journal(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    write_file(path, "{\"kind\":\"trial\",\"target\":0,\"po", "a");
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), 0);
    assert_int_equal(h.good_len, (size_t)st.st_size);
    assert_int_equal(pf_journal_trials(&h, dir, collect, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    /* going on cuts the torn line off first */
    assert_int_equal(pf_journal_reopen(&j, dir, h.good_len, err, sizeof err), 0);
    struct pf_journal_trial more = segv;
    more.point = 78;
    assert_int_equal(pf_journal_add_trial(&j, &more, err, sizeof err), 0);
    pf_journal_close(&j);
    pf_journal_head_free(&h);
    s = (struct seen){0};
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), 0);
    assert_int_equal(h.good_len, h.len);
    assert_int_equal(pf_journal_trials(&h, dir, collect, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.last.point, 78);
    pf_journal_head_free(&h);
    drop(dir);
}

/* Fails unless TEXT, as DIR's journal, gives the error WANT (a substring)
 * in one line. */
static void expect_bad(const char *dir, const char *text, const char *want)
{
    char path[700], err[1024];
    struct pf_journal_head h;
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    write_file(path, text, "w");
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), -1);
    if (!strstr(err, want) || strchr(err, '\n'))
        fail_msg("error '%s', wanted '%s' in one line", err, want);
    pf_journal_head_free(&h);
}

static void test_bad_journals(void **state)
{
    (void)state;
    char dir[600], err[1024];
    struct pf_journal_head h;
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "journal.jsonl: No such file or directory"));
    pf_journal_head_free(&h);
    const char *head = "{\"kind\":\"sweep\",\"version\":1,\"cwd\":\"/\",\"argv\":[\"--\",\"p\"]}\n";
    char text[2048];
    expect_bad(dir, "", "line 1: no whole line");
    expect_bad(dir, "{\"kind\":\"sweep\",\"version\":1,\"cw", "line 1: no whole line");
    expect_bad(dir, "{\"results\":1}\n", "line 1: not a pyfault sweep journal");
    expect_bad(dir, "{\"kind\":\"sweep\",\"version\":2,\"cwd\":\"/\",\"argv\":[]}\n",
               "line 1: a journal of another version");
    expect_bad(dir, "{\"kind\":\"sweep\",\"version\":1,\"cwd\":\"/\",\"argv\":[1]}\n",
               "line 1: argv[0]: expected a string");
    snprintf(text, sizeof text, "%snot json\n{\"kind\":\"target\"}\n", head);
    expect_bad(dir, text, "line 2: not a JSON object");
    snprintf(text, sizeof text, "%s{\"kind\":\"results\"}\n", head);
    expect_bad(dir, text, "line 2: expected a \"target\" or \"trial\" line");
    snprintf(text, sizeof text, "%s{\"kind\":\"target\",\"index\":300,\"allocations\":1,"
             "\"count_ms\":1,\"count_allocations\":1,\"count_max_gap_ms\":0,\"points\":1,"
             "\"plan_hash\":\"1\"}\n", head);
    expect_bad(dir, text, "line 2: a target line without");
    snprintf(text, sizeof text, "%s{\"kind\":\"target\",\"index\":0,\"allocations\":1,"
             "\"count_ms\":1,\"count_allocations\":1,\"count_max_gap_ms\":0,\"points\":1,"
             "\"plan_hash\":\"xyz\"}\n", head);
    expect_bad(dir, text, "line 2: a target line without");
    snprintf(text, sizeof text, "%s{\"kind\":\"target\",\"index\":0,\"allocations\":1,"
             "\"count_ms\":1,\"count_allocations\":1,\"count_max_gap_ms\":0,\"points\":1,"
             "\"plan_hash\":\"1\",\"sites_hash\":\"1g\"}\n", head);
    expect_bad(dir, text, "line 2: a target line without");
    /* a trial line is checked whole, even when nobody asks for trials */
    const char *trial = "{\"kind\":\"trial\",\"target\":0,\"point\":1,\"mode\":\"oneshot\","
                        "\"class\":\"%s\",\"subkind\":\"\",\"exit_code\":%s,\"signal\":0,"
                        "\"duration_ms\":1,\"injected\":1,\"first_injected\":1,\"reached\":true,"
                        "\"engine\":\"exec\",\"stop\":\"exited\",\"signature\":\"s\",\"repro\":\"\","
                        "\"stderr_tail\":\"\"}\n";
    char line[1024];
    snprintf(line, sizeof line, trial, "crashed", "1");
    snprintf(text, sizeof text, "%s%s", head, line);
    expect_bad(dir, text, "line 2: a trial line with a missing or bad member");
    snprintf(line, sizeof line, trial, "error", "300");
    snprintf(text, sizeof text, "%s%s", head, line);
    expect_bad(dir, text, "line 2: a trial line with a missing or bad member");
    snprintf(line, sizeof line, trial, "error", "1");
    snprintf(strstr(line, "}\n"), 64, ",\"plan_key\":7}\n");
    snprintf(text, sizeof text, "%s%s", head, line);
    expect_bad(dir, text, "line 2: a trial line with a missing or bad member");
    /* and a good one reads */
    snprintf(line, sizeof line, trial, "error", "1");
    snprintf(text, sizeof text, "%s%s", head, line);
    char path[700];
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    write_file(path, text, "w");
    assert_int_equal(pf_journal_load(dir, &h, err, sizeof err), 0);
    pf_journal_head_free(&h);
    drop(dir);
}

/* Whether pf_journal_parse takes a trial at POINT of a 12-allocation
 * target swept with the words ARGV (a JSON array's inside); a refusal
 * must name the trial's line. */
static int point_taken(const char *argv, unsigned long point)
{
    char text[2048], err[1024];
    struct pf_journal_head h;
    memset(&h, 0, sizeof h);
    snprintf(text, sizeof text,
             "{\"kind\":\"sweep\",\"version\":1,\"cwd\":\"/\",\"argv\":[%s,\"--\",\"p\"]}\n"
             "{\"kind\":\"target\",\"index\":0,\"allocations\":12,\"count_ms\":1,"
             "\"count_allocations\":12,\"count_max_gap_ms\":0,\"points\":4,\"plan_hash\":\"1\"}\n"
             "{\"kind\":\"trial\",\"target\":0,\"point\":%lu,\"mode\":\"oneshot\",\"class\":\"ok\","
             "\"subkind\":\"\",\"exit_code\":0,\"signal\":0,\"duration_ms\":1,\"injected\":1,"
             "\"first_injected\":1,\"reached\":true,\"engine\":\"exec\",\"stop\":\"exited\","
             "\"signature\":\"s\",\"repro\":\"\",\"stderr_tail\":\"\"}\n",
             argv, point);
    int rc = pf_journal_parse(text, strlen(text), &h, NULL, NULL, err, sizeof err);
    pf_journal_head_free(&h);
    if (rc < 0 && (!strstr(err, "line 3: a trial of target 0 at point") || !strstr(err, "never chose")))
        fail_msg("point %lu of [%s]: '%s'", point, argv, err);
    return rc == 0;
}

/* A trial's point is one its plan chose: range, stride and shard over the
 * target's M, or past M as far as the extension goes (shard 1's alone);
 * a site plan's points are placed by their sites, not checked here. */
static void test_unplanned_points(void **state)
{
    (void)state;
    const char *stride = "\"--stride\",\"3\"";
    assert_true(point_taken(stride, 1));
    assert_true(point_taken(stride, 10));
    assert_false(point_taken(stride, 5));
    assert_true(point_taken(stride, 13));                /* the first past M */
    assert_true(point_taken(stride, 13 + 3 * 999));      /* the extension's last */
    assert_false(point_taken(stride, 13 + 3 * 1000));
    assert_false(point_taken(stride, 14));
    const char *shard2 = "\"--stride\",\"3\",\"--shard\",\"2/2\"";
    assert_true(point_taken(shard2, 4));
    assert_true(point_taken(shard2, 10));
    assert_false(point_taken(shard2, 1));
    assert_false(point_taken(shard2, 7));
    assert_false(point_taken(shard2, 13));               /* shard 1 extends */
    const char *range = "\"--range\",\"4:7\"";
    assert_true(point_taken(range, 4));
    assert_true(point_taken(range, 7));
    assert_false(point_taken(range, 3));
    assert_false(point_taken(range, 8));
    assert_true(point_taken("\"--plan\",\"sites\"", 5));
    assert_true(point_taken("\"--mode\",\"both\"", 5));
}

/* An invocation that does not parse is read all the same: --resume
 * refuses it, with the parser's message. */
static void test_unparsed_invocation(void **state)
{
    (void)state;
    const char *text = "{\"kind\":\"sweep\",\"version\":1,\"cwd\":\"/\","
                       "\"argv\":[\"--bogus\",\"--\",\"p\"]}\n";
    char err[1024];
    struct pf_journal_head h;
    memset(&h, 0, sizeof h);
    assert_int_equal(pf_journal_parse(text, strlen(text), &h, NULL, NULL, err, sizeof err), 0);
    assert_false(h.parsed);
    assert_false(h.has_selection);
    assert_non_null(strstr(h.parse_error, "--bogus"));
    pf_journal_head_free(&h);
}

/* A journal cannot be started where the folder is gone. */
static void test_create_fails(void **state)
{
    (void)state;
    struct pf_journal j;
    char err[1024];
    char *argv[] = {"x"};
    assert_int_equal(pf_journal_create(&j, "/nonexistent-pyfault-dir", "/", 1, argv, err,
                                       sizeof err), -1);
    assert_string_equal(err, "/nonexistent-pyfault-dir/journal.jsonl: No such file or directory");
    assert_int_equal(j.fd, -1);
}

/* A word that is not UTF-8 cannot be journaled (JSON text): refused,
 * before the sweep makes --out and by the writer, which leaves no
 * journal rather than one short of a word. */
static void test_words_not_utf8(void **state)
{
    (void)state;
    char dir[600], path[700], err[1024];
    char *argv[] = {"--out", "o\xff\x1b", "--", "p"};
    assert_int_equal(pf_journal_check_words(2, argv, err, sizeof err), -1);
    assert_non_null(strstr(err, "' is not UTF-8: the journal could not hold the command line "
                                "for --resume"));
    assert_null(strchr(err, '\x1b'));
    assert_int_equal(pf_journal_check_words(1, argv, err, sizeof err), 0);
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    struct pf_journal j;
    assert_int_equal(pf_journal_create(&j, dir, "/", 4, argv, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not UTF-8"));
    assert_int_equal(j.fd, -1);
    snprintf(path, sizeof path, "%s/journal.jsonl", dir);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_torn_line),
        cmocka_unit_test(test_bad_journals),
        cmocka_unit_test(test_unplanned_points),
        cmocka_unit_test(test_unparsed_invocation),
        cmocka_unit_test(test_create_fails),
        cmocka_unit_test(test_words_not_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

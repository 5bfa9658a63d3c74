/*
 * engines.c: a sweep under both engines, compared trial by trial.
 */
#include "engines.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "harness_cli.h"

/* "pyfault sweep --engine ENGINE ARGS..." -> results.json; prints its
 * trials and wall time, where a test program's minutes go. */
json_t *engine_sweep(const char *engine, const char *const *args)
{
    const char *head[] = {"--engine", engine, NULL};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    json_t *j = harness_sweep_with(head, args);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("  %s sweep: %zu trials in %.1f s\n", engine,
           json_array_size(json_object_get(j, "trials")),
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return j;
}

json_t *engine_of(json_t *j)
{
    return json_object_get(json_array_get(json_object_get(j, "targets"), 0), "engine");
}

json_int_t engine_count(json_t *j, const char *key)
{
    return json_integer_value(json_object_get(engine_of(j), key));
}

/* The allocations the counting run of J's first target counted. */
json_int_t counted_allocations(json_t *j)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(j, "targets"), 0), "allocations"));
}

/* How trial T ended, for a failure message: its subkind, what stopped
 * it and its time. Static storage. */
static const char *trial_how(json_t *t)
{
    static char how[160];
    snprintf(how, sizeof how, "subkind %s, stopped_by %s, %lld ms", harness_str(t, "subkind"),
             harness_str(t, "stopped_by"),
             (long long)json_integer_value(json_object_get(t, "duration_ms")));
    return how;
}

/* Prints the first trials at which EX and FK disagree (class or
 * signature), how each ended: what a missed finding came from. */
static void print_disagreements(json_t *ex, json_t *fk)
{
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    size_t i, shown = 0;
    json_t *a;
    printf("  allocations counted: exec %lld, fork %lld\n", (long long)counted_allocations(ex),
           (long long)counted_allocations(fk));
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        if (!b || (strcmp(harness_str(a, "class"), harness_str(b, "class")) == 0 &&
                   strcmp(harness_str(a, "signature"), harness_str(b, "signature")) == 0))
            continue;
        printf("  point %lld %s: exec %s [%s] (%s)\n",
               (long long)json_integer_value(json_object_get(a, "point")), harness_str(a, "mode"),
               harness_str(a, "class"), harness_str(a, "signature"), trial_how(a));
        printf("    fork %s [%s] (%s)\n", harness_str(b, "class"), harness_str(b, "signature"),
               trial_how(b));
        if (++shown == 10)
            break;
    }
}

/* The two runs' findings are the same set; prints the per-point agreement
 * (trials at the same point and mode with the same class and signature),
 * and the trials that disagree when a finding is missed. */
void expect_same_findings(const char *what, json_t *ex, json_t *fk)
{
    json_t *fe = json_object_get(ex, "findings"), *ff = json_object_get(fk, "findings");
    size_t i;
    json_t *f;
    json_array_foreach(fe, i, f) {
        if (!harness_has_finding(ff, f)) {
            print_disagreements(ex, fk);
            fail_msg("%s: the fork engine missed %s", what, harness_str(f, "signature"));
        }
    }
    json_array_foreach(ff, i, f) {
        if (!harness_has_finding(fe, f)) {
            print_disagreements(ex, fk);
            fail_msg("%s: the fork engine alone found %s", what, harness_str(f, "signature"));
        }
    }
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    assert_int_equal(json_array_size(te), json_array_size(tf));
    size_t agree = 0;
    json_t *a;
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        if (json_integer_value(json_object_get(a, "point")) ==
                json_integer_value(json_object_get(b, "point")) &&
            strcmp(harness_str(a, "mode"), harness_str(b, "mode")) == 0 &&
            strcmp(harness_str(a, "class"), harness_str(b, "class")) == 0 &&
            strcmp(harness_str(a, "signature"), harness_str(b, "signature")) == 0)
            agree++;
    }
    printf("%s: %zu findings each; per-point agreement %zu/%zu; forked %lld, exec'd %lld "
           "(threads) + %lld (past the server's run)\n", what, json_array_size(fe), agree,
           json_array_size(te), (long long)engine_count(fk, "forked"),
           (long long)engine_count(fk, "exec_threads"), (long long)engine_count(fk, "exec_other"));
}

/* One sweep with each engine; returns the fork sweep's M. */
json_int_t both_engines(const char *const *args, json_t **ex, json_t **fk)
{
    *ex = engine_sweep("exec", args);
    *fk = engine_sweep("fork", args);
    return counted_allocations(*fk);
}

/* Every trial's class at its point and mode under fork is exec's. */
void expect_same_classes(const char *what, json_t *ex, json_t *fk)
{
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    assert_int_equal(json_array_size(te), json_array_size(tf));
    size_t i;
    json_t *a;
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        assert_int_equal(json_integer_value(json_object_get(a, "point")),
                         json_integer_value(json_object_get(b, "point")));
        if (strcmp(harness_str(a, "class"), harness_str(b, "class")) != 0)
            fail_msg("%s: point %lld %s: exec %s, fork %s (%s)", what,
                     (long long)json_integer_value(json_object_get(a, "point")),
                     harness_str(a, "mode"), harness_str(a, "class"), harness_str(b, "class"),
                     trial_how(b));
    }
}

/* The exec'd reference of region_both_engines takes every ORACLE_STRIDE
 * point: each of its trials must end as one class, so its sample vouches
 * for that class, and the fork sweep, which is what is tested, takes
 * every point. */
#define ORACLE_STRIDE "4"

/* Does the NULL-ended OPTS name OPT? */
static int has_option(const char *const *opts, const char *opt)
{
    for (size_t i = 0; opts[i]; i++)
        if (strcmp(opts[i], opt) == 0)
            return 1;
    return 0;
}

/* SCRIPT swept with OPTS and a region under both engines into EX and FK:
 * every exec'd trial (every ORACLE_STRIDE point, unless OPTS has a
 * stride) ends as EXEC_CLASS, and so does every forked trial. */
void region_both_engines(const char *what, const char *script, const char *const *opts,
                         const char *exec_class, json_t **ex, json_t **fk)
{
    const char *args[20];
    size_t n = 0;
    if (!has_option(opts, "--stride")) {
        args[n++] = "--stride";
        args[n++] = ORACLE_STRIDE;
    }
    size_t head = n;
    for (size_t i = 0; opts[i]; i++)
        args[n++] = opts[i];
    args[n++] = "--inject";
    args[n++] = "region";
    args[n++] = "--python";
    args[n++] = ENGINES_PY;
    args[n++] = project_path(script);
    args[n] = NULL;
    *ex = engine_sweep("exec", args);
    *fk = engine_sweep("fork", args + head); /* past the reference's stride */
    json_int_t m = counted_allocations(*fk);
    assert_true(m > 10);
    const char *engine_names[] = {"exec'd", "forked"};
    json_t *runs[] = {*ex, *fk};
    for (size_t r = 0; r < 2; r++) {
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(runs[r], "trials"), i, t) {
            if (strcmp(harness_str(t, "class"), exec_class) != 0)
                fail_msg("%s: %s point %lld %s: %s, want %s (%s)", what, engine_names[r],
                         (long long)json_integer_value(json_object_get(t, "point")),
                         harness_str(t, "mode"), harness_str(t, "class"), exec_class,
                         trial_how(t));
        }
    }
    printf("%s: %zu trials (exec'd reference: %zu); forked %lld, exec'd %lld (state) + "
           "%lld (threads) + %lld (other)\n",
           what, json_array_size(json_object_get(*fk, "trials")),
           json_array_size(json_object_get(*ex, "trials")),
           (long long)engine_count(*fk, "forked"), (long long)engine_count(*fk, "exec_state"),
           (long long)engine_count(*fk, "exec_threads"),
           (long long)engine_count(*fk, "exec_other"));
}

/* A target with state a fork would share with the server (a writable
 * shared mapping, a pipe) or lose (an armed timer): no point forked,
 * every point the server reached exec'd and counted in exec_state, the
 * same class at each point as exec's. EXEC_CLASS: what every exec'd
 * trial ends as. */
void expect_state_exec(const char *what, const char *script, const char *const *opts,
                              const char *exec_class)
{
    json_t *ex, *fk;
    region_both_engines(what, script, opts, exec_class, &ex, &fk);
    assert_int_equal(engine_count(fk, "forked"), 0);
    assert_int_equal(engine_count(fk, "exec_threads"), 0);
    assert_true(engine_count(fk, "exec_state") >= 1);
    assert_int_equal(engine_count(fk, "exec_state") + engine_count(fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(fk, "trials")));
    json_decref(ex);
    json_decref(fk);
}

/* SCRIPT swept with a region under both engines: every exec'd trial
 * ends as EXEC_CLASS, and every point the server reaches (not the
 * extension past M) is forked, with exec's class. */
void expect_forked(const char *what, const char *script, const char *exec_class)
{
    const char *opts[] = {"--mode", "both", NULL};
    json_t *ex, *fk;
    region_both_engines(what, script, opts, exec_class, &ex, &fk);
    assert_int_equal(engine_count(fk, "exec_state"), 0);
    assert_true(engine_count(fk, "exec_other") <= 2);
    assert_int_equal(engine_count(fk, "forked") + engine_count(fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(fk, "trials")));
    json_decref(ex);
    json_decref(fk);
}


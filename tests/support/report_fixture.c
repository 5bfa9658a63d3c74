/*
 * report_fixture.c: the outcomes follow a real start-up sweep of Debian's
 * python3.11 (pyfault sweep --mode persistent --stride 25 -- python3.11
 * -c pass): fatal errors through early init, unwind-loops from the first
 * Python code on, MemoryError near the end, then ok.
 */
#include "report_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define N_INTERP 6
#define STRIDE 25

struct interp {
    const char *id, *path, *version;
    long m;          /* allocations of the counting run */
    int loops;       /* 1: the start-up band of unwind-loops */
    int regress;     /* 1: the regress build's extra failures */
    int v313;
};

static const struct interp interps[N_INTERP] = {
    {"3.11-vanilla", "/work/main/build/cpython/3.11-vanilla/bin/python3.11", "3.11.9", 23350, 1, 0, 0},
    {"3.11-patched", "/work/main/build/cpython/3.11-patched/bin/python3.11", "3.11.9", 23290, 0, 0, 0},
    {"3.11-regress", "/work/main/build/cpython/3.11-regress/bin/python3.11", "3.11.9", 23350, 0, 1, 0},
    {"3.13-vanilla", "/work/main/build/cpython/3.13-vanilla/bin/python3.13", "3.13.1", 25980, 1, 0, 1},
    {"3.13-patched", "/work/main/build/cpython/3.13-patched/bin/python3.13", "3.13.1", 25990, 0, 0, 1},
    {"system", "/usr/bin/python3.11", "3.11.2", 23350, 1, 0, 0},
};

struct outcome {
    const char *cls, *sig, *detail;
};

/* What start-up does when allocation P and every later one fails. */
static struct outcome startup(const struct interp *ip, long p)
{
    long q = p * 23350 / ip->m; /* the same stage of start-up on every build */
    long k = (p - 1) / STRIDE;
    if (q <= 1)
        return (struct outcome){"fatal", "fatal: _PyRuntimeState_Init: memory allocation failed", "memory allocation failed"};
    if (q < 101)
        return (struct outcome){"fatal", "fatal: _PyArgv_AsWstrList: memory allocation failed", "memory allocation failed"};
    if (q < 4326)
        return (struct outcome){"fatal", "fatal: _PyErr_NoMemory: Out of memory and PyExc_MemoryError is not initialized yet",
                                "Out of memory and PyExc_MemoryError is not initialized yet"};
    if (ip->regress && q >= 4401 && q < 4901)
        return (struct outcome){"segfault", "segfault: _PyFrame_ClearExceptCode < frame_dealloc < _PyEval_EvalFrameDefault", ""};
    if (ip->regress && q >= 6001 && q < 6751)
        return (struct outcome){"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < _PyFunction_Vectorcall", ""};
    if (q < 6751)
        return (struct outcome){"fatal", "fatal: pycore_interp_init: failed to initialize importlib", "failed to initialize importlib"};
    if (q < 22851) {
        if (!ip->v313 && k == 569)
            return (struct outcome){"segfault", "segfault: _PyEval_EvalFrameDefault < _PyFunction_Vectorcall < PyObject_CallMethodObjArgs", ""};
        if (k % 9 == 4)
            return (struct outcome){"fatal", "fatal: init_fs_encoding: failed to get the Python codec of the filesystem encoding",
                                    "failed to get the Python codec of the filesystem encoding"};
        if (ip->loops && (!ip->v313 || (q >= 9001 && q < 12001)))
            return k % 13 == 6 ? (struct outcome){"unwind-loop", "unwind-loop: _Py_str_to_int < _PyEval_EvalFrameDefault < PyEval_EvalCode", ""}
                               : (struct outcome){"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < _PyFunction_Vectorcall", ""};
        return (struct outcome){"fatal", "fatal: init_import_site: Failed to import the site module", "Failed to import the site module"};
    }
    if (q < 22951)
        return (struct outcome){"error", "error: Py_RunMain < Py_BytesMain", ""};
    if (p > ip->m)
        return (struct outcome){"ok", "ok", ""};
    return (struct outcome){"ok", "ok: Py_FinalizeEx < Py_RunMain < Py_BytesMain", ""};
}

struct single {
    const char *id, *path, *issue, *plan, *mode, *inject;
    const char *expect[N_INTERP]; /* "|"-separated classes per interpreter */
    struct outcome got[N_INTERP];
};

static const struct single singles[] = {
    {"gh134163-except-past-256", "scenarios/set_nomemory/except_past_256.py",
     "https://github.com/python/cpython/issues/134163", "runtime", "runtime", "",
     {"unwind-loop", "error|fatal", "unwind-loop", "unwind-loop", "error|fatal", "unwind-loop"},
     {{"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < PyEval_EvalCode", ""},
      {"error", "error: PyErr_NoMemory < _PyEval_EvalFrameDefault < PyEval_EvalCode", ""},
      {"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < PyEval_EvalCode", ""},
      {"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < _PyEval_Vector", ""},
      {"error", "error: PyErr_NoMemory < _PyEval_EvalFrameDefault < _PyEval_Vector", ""},
      {"unwind-loop", "unwind-loop: PyLong_FromLong < _PyEval_EvalFrameDefault < PyEval_EvalCode", ""}}},
    {"pep651-add-recursion", "scenarios/exception_unwind/pep651_add_recursion.py", "https://peps.python.org/pep-0651/",
     "none", "none", "",
     {"stack-overflow", "stack-overflow", "stack-overflow", "error", "error", "stack-overflow"},
     {{"stack-overflow", "stack-overflow: slot_nb_add < binary_op1 < PyNumber_Add", ""},
      {"stack-overflow", "stack-overflow: slot_nb_add < binary_op1 < PyNumber_Add", ""},
      {"stack-overflow", "stack-overflow: slot_nb_add < binary_op1 < PyNumber_Add", ""},
      {"error", "error: _Py_CheckRecursiveCall < slot_nb_add < binary_op1", ""},
      {"error", "error: _Py_CheckRecursiveCall < slot_nb_add < binary_op1", ""},
      {"stack-overflow", "stack-overflow: slot_nb_add < binary_op1 < PyNumber_Add", ""}}},
    {"gh132002-contextvar-str-subclass", "scenarios/contextvar/gh132002_str_subclass_name.py",
     "https://github.com/python/cpython/issues/132002", "none", "none", "junk",
     {"segfault", "segfault", "segfault", "error", "error", "segfault"},
     {{"segfault", "segfault: contextvar_new < PyContextVar_New < _PyObject_MakeTpCall", ""},
      {"segfault", "segfault: contextvar_new < PyContextVar_New < _PyObject_MakeTpCall", ""},
      {"segfault", "segfault: contextvar_new < PyContextVar_New < _PyObject_MakeTpCall", ""},
      {"segfault", "segfault: contextvar_new < PyContextVar_New < _PyObject_Vectorcall <script>", ""},
      {"error", "error: contextvar_new < PyContextVar_New < _PyObject_MakeTpCall", ""},
      {"segfault", "segfault: contextvar_new < PyContextVar_New < _PyObject_MakeTpCall", ""}}},
};
#define N_SINGLE (sizeof singles / sizeof singles[0])

/* Deterministic jitter, so durations look measured. */
static long jitter(long p, int i)
{
    uint32_t h = (uint32_t)p * 2654435761u ^ (uint32_t)i * 40503u;
    return (long)(h >> 27);
}

static long duration(const char *cls, long p, int i)
{
    long base = strcmp(cls, "unwind-loop") == 0 ? 118 : strcmp(cls, "stack-overflow") == 0 ? 240
              : strcmp(cls, "segfault") == 0 ? 34 : 16;
    return base + jitter(p, i);
}

static int allowed(const char *list, const char *cls)
{
    size_t n = strlen(cls);
    for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
        if (strncmp(p, cls, n) == 0 && (p[n] == '|' || p[n] == '\0'))
            return 1;
    return 0;
}

static json_t *classes(const char *list)
{
    json_t *a = json_array();
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, "|", &save); t; t = strtok_r(NULL, "|", &save))
        json_array_append_new(a, json_string(t));
    return a;
}

static void bump(json_t *o, const char *key, long by)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + by));
}

/* Frames for a signature "class: f1 < f2 < f3" (fatal: the function). */
static json_t *frames_of(const char *cls, const char *sig)
{
    json_t *a = json_array();
    const char *p = strchr(sig, ':');
    if (!p)
        return a;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", p + 2);
    if (strcmp(cls, "fatal") == 0) {
        char *c = strchr(buf, ':');
        if (c)
            *c = '\0';
        json_array_append_new(a, json_string("fatal_error"));
        json_array_append_new(a, json_string("_Py_FatalErrorFunc"));
        json_array_append_new(a, json_string(buf));
        json_array_append_new(a, json_string("Py_InitializeFromConfig"));
    } else {
        for (char *save = NULL, *t = strtok_r(buf, "<", &save); t; t = strtok_r(NULL, "<", &save)) {
            while (*t == ' ')
                t++;
            size_t n = strlen(t);
            while (n && t[n - 1] == ' ')
                t[--n] = '\0';
            json_array_append_new(a, json_string(t));
        }
    }
    json_array_append_new(a, json_string("Py_BytesMain"));
    json_array_append_new(a, json_string("__libc_start_call_main"));
    return a;
}

struct builder {
    json_t *root, *trials, *findings, *cells;
    json_t *summary_counts, *by_interp;
    long trials_n, unexpected_n, ms;
};

static void add_name(json_t *arr, const char *name)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (strcmp(json_string_value(json_array_get(arr, i)), name) == 0)
            return;
    json_array_append_new(arr, json_string(name));
}

static void add_trial(struct builder *b, json_t *cell, const char *scn, int i, long point, const char *mode,
                      struct outcome o, int expected, const char *repro)
{
    size_t f = 0;
    for (; f < json_array_size(b->findings); f++) {
        json_t *x = json_array_get(b->findings, f);
        if (strcmp(json_string_value(json_object_get(x, "class")), o.cls) == 0 &&
            strcmp(json_string_value(json_object_get(x, "signature")), o.sig) == 0)
            break;
    }
    if (f == json_array_size(b->findings)) {
        json_t *x = json_pack("{s:I, s:s, s:s, s:s, s:i, s:o, s:s, s:[], s:[]}", "id", (json_int_t)f, "signature",
                              o.sig, "class", o.cls, "subkind", "", "count", 0, "frames", frames_of(o.cls, o.sig),
                              "repro", repro, "interpreters", "scenarios");
        if (o.detail[0])
            json_object_set_new(x, "detail", json_string(o.detail));
        json_array_append_new(b->findings, x);
    }
    json_t *x = json_array_get(b->findings, f);
    bump(x, "count", 1);
    add_name(json_object_get(x, "interpreters"), interps[i].id);
    add_name(json_object_get(x, "scenarios"), scn);
    long ms = duration(o.cls, point, i);
    json_array_append_new(b->trials,
                          json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:i, s:I, s:b}", "scenario", scn,
                                    "interpreter", interps[i].id, "point",
                                    point > 0 ? json_integer(point) : json_null(), "mode", mode, "class", o.cls,
                                    "subkind", "", "signature", o.sig, "duration_ms", (int)ms, "finding",
                                    (json_int_t)f, "expected", expected));
    bump(json_object_get(cell, "counts"), o.cls, 1);
    bump(cell, "trials", 1);
    bump(cell, "unexpected", !expected);
    bump(b->summary_counts, o.cls, 1);
    bump(json_object_get(b->by_interp, interps[i].id), o.cls, 1);
    b->trials_n++;
    b->unexpected_n += !expected;
    b->ms += ms;
}

static json_t *new_cell(struct builder *b, const char *scn, int i, const char *expect)
{
    json_t *c = json_pack("{s:s, s:s, s:o, s:{}, s:i, s:i}", "scenario", scn, "interpreter", interps[i].id,
                          "expected", classes(expect), "counts", "trials", 0, "unexpected", 0);
    json_array_append_new(b->cells, c);
    return c;
}

static void sha_of(const char *id, char out[65])
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (int k = 0; k < 4; k++) {
        h = h * 6364136223846793005ull + 1442695040888963407ull;
        snprintf(out + 16 * k, 17, "%016llx", (unsigned long long)h);
    }
}

json_t *report_fixture(int shard_i, int shard_n)
{
    struct builder b = {0};
    b.trials = json_array();
    b.findings = json_array();
    b.cells = json_array();
    b.summary_counts = json_object();
    b.by_interp = json_object();
    json_t *ips = json_array(), *scns = json_array();
    for (int i = 0; i < N_INTERP; i++) {
        char sha[65];
        sha_of(interps[i].id, sha);
        json_array_append_new(ips, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", interps[i].id, "path",
                                             interps[i].path, "version", interps[i].version, "variant",
                                             interps[i].id, "sha256", sha));
        json_object_set_new(b.by_interp, interps[i].id, json_object());
    }
    json_array_append_new(scns, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:i, s:{s:[s,s,s]}}", "id", "startup",
                                          "path", "-c pass", "issue", "https://github.com/python/cpython/issues/134163",
                                          "plan", "startup", "inject", "", "timeout_s", 3.0, "stride", STRIDE,
                                          "expect", "*", "ok", "error", "fatal"));
    for (size_t s = 0; s < N_SINGLE; s++) {
        json_t *ex = json_object();
        for (int i = 0; i < N_INTERP; i++)
            json_object_set_new(ex, interps[i].id, classes(singles[s].expect[i]));
        json_array_append_new(scns, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:o}", "id", singles[s].id, "path",
                                              singles[s].path, "issue", singles[s].issue, "plan", singles[s].plan,
                                              "inject", singles[s].inject, "timeout_s", 10.0, "expect", ex));
    }
    char repro[512];
    for (int i = 0; i < N_INTERP; i++) {
        json_t *cell = new_cell(&b, "startup", i, "ok|error|fatal");
        json_object_set_new(cell, "allocations", json_integer(interps[i].m));
        /* points 1, 26, ... through M, and one past it that runs clean */
        long k = 0;
        for (long p = 1;; p += STRIDE, k++) {
            int last = p > interps[i].m;
            if (!shard_n || k % shard_n == shard_i - 1) {
                struct outcome o = startup(&interps[i], p);
                snprintf(repro, sizeof repro, "/work/main/build/pyfault run --timeout 3 --inject from=%ld -- %s -c pass",
                         p, interps[i].path);
                add_trial(&b, cell, "startup", i, p, "persistent", o, allowed("ok|error|fatal", o.cls), repro);
            }
            if (last)
                break;
        }
    }
    for (size_t s = 0; s < N_SINGLE; s++)
        for (int i = 0; i < N_INTERP; i++) {
            json_t *cell = new_cell(&b, singles[s].id, i, singles[s].expect[i]);
            if (shard_n && shard_i != 1)
                continue;
            const struct outcome o = singles[s].got[i];
            snprintf(repro, sizeof repro, "/work/main/build/pyfault run --timeout 10%s%s -- %s %s",
                     singles[s].inject[0] ? " --inject " : "", singles[s].inject, interps[i].path, singles[s].path);
            add_trial(&b, cell, singles[s].id, i, -1, singles[s].mode, o, allowed(singles[s].expect[i], o.cls), repro);
        }
    json_t *summary = json_pack("{s:I, s:o, s:I, s:I, s:o}", "trials", (json_int_t)b.trials_n, "counts",
                                b.summary_counts, "unexpected", (json_int_t)b.unexpected_n, "duration_ms",
                                (json_int_t)(b.ms / 2), "by_interpreter", b.by_interp);
    json_t *shard = shard_n ? json_pack("{s:i, s:i}", "index", shard_i, "count", shard_n) : json_null();
    return json_pack("{s:s, s:i, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "schema", "pyfault-results",
                     "version", 1, "complete", 1, "created", "2026-11-22T04:38:00Z", "shard", shard, "interpreters",
                     ips, "scenarios", scns, "cells", b.cells, "trials", b.trials, "findings", b.findings, "summary",
                     summary);
}

void report_fixture_write(json_t *j, const char *path)
{
    if (json_dump_file(j, path, JSON_INDENT(1)) != 0)
        fail_msg("cannot write %s", path);
}

/* result_json.c: one trial -> one JSON object; files only ever appear
 * whole (temp file + fsync + rename). */
#include "result_json.h"

#include "atomic_file.h"
#include "first_line.h"
#include "utf8.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

json_t *pf_json_text(const char *s)
{
    size_t len = strlen(s);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = pf_utf8_len((const unsigned char *)s + i);
        if (n == 0) {
            copy[o++] = '?';
            i++;
            continue;
        }
        memcpy(copy + o, s + i, n);
        o += n;
        i += n;
    }
    copy[o] = '\0';
    json_t *j = json_stringn(copy, o);
    free(copy);
    return j;
}

json_t *pf_frames_json(const struct pf_frames *fr)
{
    json_t *a = json_array();
    for (unsigned i = 0; fr && i < fr->n; i++) {
        char ip[24];
        snprintf(ip, sizeof ip, "0x%" PRIx64, fr->f[i].ip);
        json_t *o = json_pack("{s:s,s:o,s:o}", "ip", ip, "sym", pf_json_text(fr->f[i].sym),
                              "obj", pf_json_text(fr->f[i].obj));
        /* additive: where debug info has it, and inlined frames marked */
        if (o && fr->f[i].src[0])
            json_object_set_new(o, "src", pf_json_text(fr->f[i].src));
        if (o && fr->f[i].inlined)
            json_object_set_new(o, "inlined", json_true());
        json_array_append_new(a, o);
    }
    return a;
}

json_t *pf_result_json(const struct pf_result *res)
{
    json_t *samples = json_array();
    for (unsigned i = 0; i < res->nsamples; i++)
        json_array_append_new(samples, pf_frames_json(&res->samples[i]));
    json_t *threads = json_array();
    for (unsigned i = 0; i < res->nthreads; i++)
        json_array_append_new(threads, json_pack("{s:i,s:o}", "tid", res->threads[i].tid,
                                                 "frames", pf_frames_json(&res->threads[i])));
    json_t *o = json_pack(
        "{s:s,s:s,s:o,s:o,s:I,s:o,s:o,s:o,s:I,s:I,s:{s:I,s:I},s:I,s:o,s:o,s:o,s:o}",
        "class", pf_class_name(res->v.cls),
        "subkind", pf_subkind_name(res->v.sub),
        "exit_code", res->exit_code >= 0 ? json_integer(res->exit_code) : json_null(),
        "signal", res->signal ? json_integer(res->signal) : json_null(),
        "duration_ms", (json_int_t)res->duration_ms,
        "signature", pf_json_text(res->signature),
        "frames", pf_frames_json(&res->frames),
        "samples", samples,
        "allocations", (json_int_t)res->allocations,
        "eligible", (json_int_t)res->eligible,
        "injected", "count", (json_int_t)res->injected,
                    "first", (json_int_t)res->first_injected,
        "site_streak_max", (json_int_t)res->site_streak_max,
        "attached", json_boolean(res->attached),
        "stderr_tail", pf_json_text(res->stderr_tail),
        "spec", pf_json_text(res->spec),
        "repro", pf_json_text(res->repro));
    if (!o) {
        json_decref(threads);
        return NULL;
    }
    /* additive: every thread of the stuck process, each with its tid */
    if (res->nthreads > 0)
        json_object_set_new(o, "threads", threads);
    else
        json_decref(threads);
    json_object_set_new(o, "layer", pf_json_layer(res->layer));
    if (res->signal)
        json_object_set_new(o, "signal_name", json_string(sigabbrev_np(res->signal) ? sigabbrev_np(res->signal) : "?"));
    if (res->v.cls == PF_FATAL) {
        json_object_set_new(o, "fatal_function", pf_json_text(res->v.func));
        json_object_set_new(o, "fatal_message", pf_json_text(res->v.detail));
    }
    if (res->v.cls == PF_ABORT && res->v.detail[0])
        json_object_set_new(o, "assertion", pf_json_text(res->v.detail));
    if (res->crash_tid > 0)
        json_object_set_new(o, "crash_thread",
                            json_pack("{s:i,s:b,s:o}", "tid", res->crash_tid, "main",
                                      res->crash_main_thread, "name",
                                      pf_json_text(res->crash_thread)));
    if (res->v.cls == PF_UNWIND_LOOP && res->verdict_ms)
        json_object_set_new(o, "verdict_ms", json_integer((json_int_t)res->verdict_ms));
    if (res->v.cls == PF_HANG || res->v.cls == PF_UNWIND_LOOP)
        json_object_set_new(o, "cpu", json_real(res->cpu));
    json_object_set_new(o, "stdout_tail", pf_json_text(res->stdout_tail));
    if (res->site.n > 0)
        json_object_set_new(o, "site", pf_frames_json(&res->site));
    if (res->site_key[0]) {
        char h[24];
        snprintf(h, sizeof h, "0x%016" PRIx64, res->site_hash);
        json_object_set_new(o, "site_key", pf_json_text(res->site_key));
        json_object_set_new(o, "site_hash", json_string(h));
    }
    if (res->error[0])
        json_object_set_new(o, "error", pf_json_text(res->error));
    return o;
}

int pf_json_write_atomic(const char *path, json_t *j, char *err, size_t errlen)
{
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    if (json_dumpf(j, af.f, JSON_INDENT(2) | JSON_SORT_KEYS) < 0 || fputc('\n', af.f) == EOF)
        return pf_atomic_fail(&af, err, errlen);
    return pf_atomic_commit(&af, err, errlen);
}

json_t *pf_json_layer(unsigned layer)
{
    return layer ? json_string(pyfault_layer_name(layer)) : json_null();
}

void pf_json_add_cwd(json_t *j)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && pf_utf8_valid(cwd))
        json_object_set_new(j, "cwd", json_string(cwd));
}

int pf_file_sha256(const char *path, char out[65])
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISREG(st.st_mode)) { /* a FIFO would block sha256sum */
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    char line[PATH_MAX + 80];
    char *argv[] = {"/usr/bin/sha256sum", "--", (char *)path, NULL};
    /* a name with a backslash or a newline makes sha256sum lead with one */
    if (pf_first_line(argv, line, sizeof line) < 0 || strlen(line) < 65) {
        errno = EIO;
        return -1;
    }
    const char *h = line + (line[0] == '\\');
    for (int k = 0; k < 64; k++)
        out[k] = (char)(h[k] >= 'A' && h[k] <= 'F' ? h[k] - 'A' + 'a' : h[k]);
    out[64] = '\0';
    return 0;
}

json_t *pf_json_input_files(int argc, char *const *argv)
{
    json_t *a = json_array();
    for (int i = 1; a && i < argc; i++) {
        char h[65];
        if (!argv[i][0] || !pf_utf8_valid(argv[i]) || pf_file_sha256(argv[i], h) < 0)
            continue;
        json_array_append_new(a, json_pack("{s:i,s:s,s:s}", "arg", i, "path", argv[i],
                                           "sha256", h));
    }
    return a;
}

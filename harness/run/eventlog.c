/* eventlog.c: the shim writes one JSON object per line; jansson reads
 * them back. */
#include "eventlog.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pyfault.h"
#include "symbolize.h"

static uint64_t get_u64(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_integer(v) && json_integer_value(v) > 0
               ? (uint64_t)json_integer_value(v) : 0;
}

/* "0x7f.." or a number -> integer. */
static uint64_t get_addr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return strtoull(json_string_value(v), NULL, 0);
    return get_u64(o, key);
}

/* The shim's frames, named again by the symbolizer from each one's object
 * and link-time address ("rel"): the shim knows only symbol tables, and
 * on a stripped binary it borrows the nearest exported name. A frame whose
 * object is gone keeps the shim's name. FIRST_IS_PC: frame 0 is where a
 * signal struck, not a return address. */
static void get_frames(json_t *o, int first_is_pc, struct pf_frames *out)
{
    json_t *arr = json_object_get(o, "frames");
    struct pf_logged_frame logged[PF_FRAMES_MAX];
    unsigned n = 0;
    size_t i;
    json_t *fr;
    out->n = 0;
    if (!json_is_array(arr))
        return;
    json_array_foreach(arr, i, fr) {
        if (n == PF_FRAMES_MAX)
            break;
        json_t *sym = json_object_get(fr, "sym");
        json_t *obj = json_object_get(fr, "obj");
        logged[n++] = (struct pf_logged_frame){
            .ip = get_addr(fr, "ip"), .rel = get_addr(fr, "rel"),
            .path = json_is_string(obj) ? json_string_value(obj) : "",
            .sym = json_is_string(sym) ? json_string_value(sym) : "",
        };
    }
    pf_symbolize_logged(logged, n, first_is_pc, out);
}

int pf_events_parse_line(const char *line, struct pf_events *out)
{
    json_t *o = json_loads(line, JSON_DECODE_ANY, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    const char *ev = json_string_value(json_object_get(o, "event"));
    int rc = 0;
    if (!ev) {
        rc = -1;
    } else if (strcmp(ev, "fail") == 0) {
        if (!out->have_fail) {
            out->have_fail = 1;
            out->fail_n = get_u64(o, "n");
            get_frames(o, 0, &out->fail_frames);
        }
    } else if (strcmp(ev, "crash") == 0) {
        if (!out->have_crash) {
            out->have_crash = 1;
            out->crash_signal = (int)get_u64(o, "signal");
            out->crash_addr = get_addr(o, "addr");
            out->crash_stack_overflow = json_is_true(json_object_get(o, "stack_overflow"));
            out->crash_tid = (int)get_u64(o, "tid");
            out->crash_main_thread = json_is_true(json_object_get(o, "main_thread"));
            const char *name = json_string_value(json_object_get(o, "thread"));
            snprintf(out->crash_thread, sizeof out->crash_thread, "%s", name ? name : "");
            get_frames(o, 1, &out->crash_frames);
        }
    } else if (strcmp(ev, "summary") == 0) {
        if (!out->have_summary) {
            const char *layer = json_string_value(json_object_get(o, "layer"));
            for (unsigned k = PYFAULT_LAYER_LIBC; layer && k <= PYFAULT_LAYER_ALL; k++)
                if (strcmp(layer, pyfault_layer_name(k)) == 0)
                    out->layer = k;
        }
        out->have_summary = 1;
        out->allocations += get_u64(o, "allocations");
        out->eligible += get_u64(o, "eligible");
        out->injected += get_u64(o, "injected");
        uint64_t first = get_u64(o, "first");
        if (first && (!out->first || first < out->first))
            out->first = first;
        uint64_t m = get_u64(o, "streak_max");
        if (m > out->streak_max)
            out->streak_max = m;
    } else if (strcmp(ev, "unforked") == 0) {
        if (!out->unforked) {
            const char *what = json_string_value(json_object_get(o, "what"));
            const char *err = json_string_value(json_object_get(o, "errno"));
            out->unforked = 1;
            snprintf(out->unforked_why, sizeof out->unforked_why, "%.100s at fd %lld: %.40s",
                     what ? what : "?", (long long)json_integer_value(json_object_get(o, "fd")),
                     err ? err : "?");
        }
    } else if (strcmp(ev, "precopied") == 0) {
        out->precopied = 1;
    } else if (strcmp(ev, "start") != 0 && strcmp(ev, "exec") != 0) {
        rc = -1;
    }
    json_decref(o);
    return rc;
}

int pf_events_read(const char *path, long offset, struct pf_events *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    if (offset > 0 && fseek(f, offset, SEEK_SET) < 0) {
        fclose(f);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0)
        pf_events_parse_line(line, out);
    free(line);
    fclose(f);
    return 0;
}

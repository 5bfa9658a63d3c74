/*
 * jsonlog.c: read the shim's JSON-lines event log in a test.
 */
#include "jsonlog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

json_t *jsonlog_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open the log %s", path);
    json_t *all = json_array();
    char line[1 << 16];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t err;
        json_t *obj = json_loads(line, 0, &err);
        n++;
        if (!json_is_object(obj))
            fail_msg("%s: line %d is not a JSON object: %s", path, n, err.text);
        json_array_append_new(all, obj);
    }
    fclose(f);
    return all;
}

static int is_event(json_t *record, const char *event)
{
    const char *ev = json_string_value(json_object_get(record, "event"));
    return ev && strcmp(ev, event) == 0;
}

json_t *jsonlog_find(json_t *log, const char *event, int last)
{
    json_t *found = NULL;
    size_t i;
    json_t *record;
    json_array_foreach(log, i, record) {
        if (!is_event(record, event))
            continue;
        found = record;
        if (!last)
            break;
    }
    return found;
}

size_t jsonlog_count(json_t *log, const char *event)
{
    size_t n = 0, i;
    json_t *record;
    json_array_foreach(log, i, record)
        n += is_event(record, event) ? 1 : 0;
    return n;
}

const char *jsonlog_frame_sym(json_t *record, size_t i)
{
    json_t *frame = json_array_get(json_object_get(record, "frames"), i);
    const char *sym = json_string_value(json_object_get(frame, "sym"));
    return sym ? sym : "";
}

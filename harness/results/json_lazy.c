/* json_lazy.c: the top-level object taken apart with jansson itself, one
 * value at a time (JSON_DISABLE_EOF_CHECK says where each ends), so that
 * no grammar is written twice. Any surprise in that walk falls back to
 * parsing the whole text, which either fails with jansson's own message
 * or yields the plain tree (a duplicate key where duplicates are allowed,
 * say): the lazy path is only ever a saving, never a second opinion. */
#include "json_lazy.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "array.h"
#include "controls.h"
#include "private_file.h"

/* The whole of F into Z->text. Returns 0, or -1 (out of memory, or a read
 * error) with errno's word in ERR. */
static int slurp(struct pf_json_lazy *z, FILE *f, off_t hint, const char *path, char *err,
                 size_t errlen)
{
    size_t cap = hint > 0 ? (size_t)hint + 1 : 4096;
    z->text = malloc(cap);
    z->len = 0;
    while (z->text) {
        if (z->len == cap) {
            char *bigger = realloc(z->text, cap * 2);
            if (!bigger)
                break;
            z->text = bigger;
            cap *= 2;
        }
        size_t got = fread(z->text + z->len, 1, cap - z->len, f);
        z->len += got;
        if (got == 0)
            break;
    }
    if (!z->text || ferror(f) || (z->len == cap && !feof(f))) {
        snprintf(err, errlen, "%.300s: %s", path,
                 z->text && ferror(f) ? "read error" : "out of memory");
        return -1;
    }
    return 0;
}

static size_t skip_ws(const struct pf_json_lazy *z, size_t p)
{
    while (p < z->len && (z->text[p] == ' ' || z->text[p] == '\t' || z->text[p] == '\n' ||
                          z->text[p] == '\r'))
        p++;
    return p;
}

/* The JSON value at P, its end in *END; NULL when there is none. */
static json_t *value_at(const struct pf_json_lazy *z, size_t p, size_t *end)
{
    json_error_t je;
    json_t *v = json_loadb(z->text + p, z->len - p,
                           z->flags | JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);
    if (v)
        *end = p + (size_t)je.position;
    return v;
}

/* The array at P (at its '['): its elements' starts into Z->at, its end
 * in *END. Returns 0, or -1 when it is not one to take apart. */
static int locate_elements(struct pf_json_lazy *z, size_t p, size_t *end)
{
    size_t cap = 0;
    p = skip_ws(z, p + 1);
    if (p < z->len && z->text[p] == ']') {
        *end = p + 1;
        return 0;
    }
    for (;;) {
        size_t e;
        if (pf_array_reserve(z->at, cap, z->n + 1, 1024) < 0)
            return -1;
        json_t *v = value_at(z, p, &e);
        if (!v)
            return -1;
        json_decref(v);
        z->at[z->n++] = p;
        p = skip_ws(z, e);
        if (p < z->len && z->text[p] == ']') {
            *end = p + 1;
            return 0;
        }
        if (p >= z->len || z->text[p] != ',')
            return -1;
        p = skip_ws(z, p + 1);
    }
}

/* The top-level object, member by member. Returns 0, or -1 when the text
 * is anything else or holds a surprise (Z is then to be reset). */
static int take_apart(struct pf_json_lazy *z)
{
    size_t p = skip_ws(z, 0);
    if (p >= z->len || z->text[p] != '{' || !(z->root = json_object()))
        return -1;
    p = skip_ws(z, p + 1);
    if (p < z->len && z->text[p] == '}')
        return skip_ws(z, p + 1) == z->len ? 0 : -1;
    for (;;) {
        size_t e = p;
        json_t *k = value_at(z, p, &e);
        const char *key = json_string_value(k);
        p = skip_ws(z, e);
        int dup = key && (json_object_get(z->root, key) ||
                          (z->present && strcmp(key, z->key) == 0));
        if (!key || dup || p >= z->len || z->text[p] != ':') {
            json_decref(k);
            return -1;
        }
        p = skip_ws(z, p + 1);
        int rc = 0;
        if (strcmp(key, z->key) == 0 && p < z->len && z->text[p] == '[') {
            rc = locate_elements(z, p, &e);
            z->present = rc == 0;
        } else {
            json_t *v = value_at(z, p, &e);
            rc = v && json_object_set_new(z->root, key, v) == 0 ? 0 : -1;
        }
        json_decref(k);
        if (rc < 0)
            return -1;
        p = skip_ws(z, e);
        if (p < z->len && z->text[p] == '}')
            return skip_ws(z, p + 1) == z->len ? 0 : -1;
        if (p >= z->len || z->text[p] != ',')
            return -1;
        p = skip_ws(z, p + 1);
    }
}

int pf_json_lazy_load(struct pf_json_lazy *z, const char *path, const char *key, size_t flags,
                      char *err, size_t errlen)
{
    memset(z, 0, sizeof *z);
    z->key = key;
    z->flags = flags;
    struct stat st;
    FILE *f = pf_fopen_regular(path, O_RDONLY, &st, err, errlen);
    if (!f) {
        pf_scrub_controls(err);
        return -1;
    }
    int rc = slurp(z, f, st.st_size, path, err, errlen);
    fclose(f);
    if (rc < 0) {
        pf_scrub_controls(err);
        pf_json_lazy_free(z);
        return -1;
    }
    if (take_apart(z) == 0)
        return 0;
    /* the whole text, as json_loadf would have read it */
    json_decref(z->root);
    free(z->at);
    z->at = NULL;
    z->n = 0;
    z->present = 0;
    json_error_t je;
    z->root = json_loadb(z->text, z->len, flags, &je);
    if (z->root)
        return 0;
    if (je.line > 0)
        snprintf(err, errlen, "%.300s:%d: %.200s", path, je.line, je.text);
    else
        snprintf(err, errlen, "%.300s: %.200s", path, je.text);
    pf_scrub_controls(err); /* one line, whatever the text quoted */
    pf_json_lazy_free(z);
    return -1;
}

json_t *pf_json_lazy_element(const struct pf_json_lazy *z, size_t i)
{
    size_t end;
    return i < z->n ? value_at(z, z->at[i], &end) : NULL;
}

void pf_json_lazy_free(struct pf_json_lazy *z)
{
    json_decref(z->root);
    free(z->text);
    free(z->at);
    memset(z, 0, sizeof *z);
}

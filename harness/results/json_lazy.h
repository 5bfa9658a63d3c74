/* json_lazy.h: a JSON file whose top-level object has one big array
 * member (results.json's "trials"): every other member is parsed, the
 * array's elements are only located, and each is parsed when asked for.
 * A file of a million trials then costs its bytes, not a million trees. */
#ifndef PF_JSON_LAZY_H
#define PF_JSON_LAZY_H

#include <jansson.h>
#include <stddef.h>

struct pf_json_lazy {
    char *text;      /* the file's bytes */
    size_t len;
    size_t flags;    /* json_loadb's flags for every value */
    const char *key; /* the array member left as text */
    json_t *root;    /* the object without KEY; the whole file when it is
                        no object, or KEY is no array (then N is 0) */
    int present;     /* KEY was there, an array: its elements are at AT */
    size_t *at;      /* where element i starts in TEXT */
    size_t n;
};

/* Reads PATH, a regular file, into Z with KEY left as text (KEY must
 * outlive Z). A file the scan cannot take apart member by member is
 * parsed whole, so that a malformed one gets json_loadf's own error.
 * Returns 0, or -1 with "PATH: why" or "PATH:LINE: why" in ERR, on one
 * line (control characters made '?'). */
int pf_json_lazy_load(struct pf_json_lazy *z, const char *path, const char *key, size_t flags,
                      char *err, size_t errlen);
/* Element I of the array left as text, parsed: a new reference the caller
 * owns, or NULL when I is past the end or memory runs out. */
json_t *pf_json_lazy_element(const struct pf_json_lazy *z, size_t i);
/* Frees what Z holds. Safe on a zeroed Z. */
void pf_json_lazy_free(struct pf_json_lazy *z);

#endif

/* matrix_json.h: a matrix as results.json, schema version 1
 * (reports/results.schema.json). */
#ifndef PF_MATRIX_JSON_H
#define PF_MATRIX_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "matrix.h"

/* Writes M to PATH atomically. Returns 0, or -1 with a one-line message
 * in ERR (no file is left behind), also when any part of M could not be
 * put into it: never a file that silently lacks one. */
int pf_matrix_json_write(const char *path, const struct pf_matrix *m,
                         char *err, size_t errlen);

/* Builds M's results.json in memory, writing nothing: run before the
 * matrix, so that what the file could not hold (text that is not UTF-8)
 * is refused before any work, not left out of it after. Returns 0, or
 * -1 with a one-line message naming PATH in ERR. */
int pf_matrix_json_check(const char *path, const struct pf_matrix *m,
                         char *err, size_t errlen);

/* The classes in MASK (bit 1 << class) as a JSON array of names. */
json_t *pf_json_classes(unsigned mask);
/* Class -> count for the non-zero entries of COUNTS[PF_CLASS_COUNT]. */
json_t *pf_json_counts(const uint64_t *counts);
/* The current UTC time, ISO 8601 ("created" in results.json). */
json_t *pf_json_created_now(void);
/* Splits a signature "class: a < b < c" into the JSON array ["a","b","c"]. */
json_t *pf_json_signature_frames(const char *signature);
/* Splits a finding's sources "a.c:1 < ? < b.c:2" (pf_signature_sources)
 * into the JSON array ["a.c:1","","b.c:2"]. */
json_t *pf_json_sources(const char *sources);

#endif

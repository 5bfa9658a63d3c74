/*
 * jsonlog.h: read the shim's JSON-lines event log in a test.
 */
#ifndef PYFAULT_TEST_JSONLOG_H
#define PYFAULT_TEST_JSONLOG_H

#include <jansson.h>

/* All records of the log at PATH as a JSON array (a new reference); fails
 * the test when the file is missing or a line is not a JSON object. */
json_t *jsonlog_load(const char *path);
/* The first (or, with LAST set, the last) record of EVENT in LOG, a
 * borrowed reference; NULL when there is none. */
json_t *jsonlog_find(json_t *log, const char *event, int last);
/* How many records of EVENT LOG holds. */
size_t jsonlog_count(json_t *log, const char *event);
/* The "sym" of frame I of RECORD, "" when there is none. */
const char *jsonlog_frame_sym(json_t *record, size_t i);

#endif

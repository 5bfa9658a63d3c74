/* result_json.h: trial results as JSON (jansson), written atomically. */
#ifndef PF_RESULT_JSON_H
#define PF_RESULT_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "frames.h"
#include "trial.h"

/* The --json object of one trial: class, subkind, exit_code, signal,
 * duration_ms, signature, frames, samples, allocations, injected {count,
 * first}, stderr_tail, repro, ... Returns a new reference or NULL. */
json_t *pf_result_json(const struct pf_result *res);
/* S as a JSON string, with bytes that are not valid UTF-8 replaced by
 * '?' (captured output is arbitrary bytes; jansson takes UTF-8 only).
 * Returns a new reference. */
json_t *pf_json_text(const char *s);
/* FR as an array of {"ip","sym","obj"}. Returns a new reference. */
json_t *pf_frames_json(const struct pf_frames *fr);
/* Writes J to PATH through PATH.tmp.PID and rename(2): readers see the
 * old file or the whole new one. Returns 0, or -1 with a message in ERR. */
int pf_json_write_atomic(const char *path, json_t *j, char *err, size_t errlen);

/* Sets J's "cwd" to the current folder, where the trials ran and what
 * their relative paths (a scenario's) start from; left out when it cannot
 * be read or is not UTF-8 (a mangled name would be another folder). */
void pf_json_add_cwd(json_t *j);

/* The sha256 (lowercase hex) of the regular file at PATH into OUT, read
 * by /usr/bin/sha256sum as an interpreter's is. Returns 0, or -1 when it
 * is not a regular file (errno set) or cannot be hashed (errno EIO). */
int pf_file_sha256(const char *path, char out[65]);
/* A target's input files: {"arg": I, "path": ARGV[I], "sha256"} for each
 * word after the program (I >= 1) naming a regular file from the current
 * folder (UTF-8 names only: a mangled one would be another file); what
 * repro checks is still there unchanged. Returns a new reference ([] when
 * none). */
json_t *pf_json_input_files(int argc, char *const *argv);

/* The layer's name ("pymem", "libc", "all"), or null when unknown (0). */
json_t *pf_json_layer(unsigned layer);

#endif

/* out_dir.h: the files a run writes in its --out folder, none of them ever
 * written over a file the run reads. */
#ifndef PF_OUT_DIR_H
#define PF_OUT_DIR_H

#include <stddef.h>

/* The --out folder DIR, made (0755) when it is not there, checked before
 * the run rather than after it: a folder this process can write, whose
 * results.json the atomic writer can replace (pf_atomic_check). Returns
 * 0, or -1 with a one-line message in ERR: "--out DIR: strerror" when it
 * cannot be made, "--out DIR: not a directory", "DIR: strerror" when it
 * cannot be written, pf_atomic_check's otherwise. */
int pf_out_dir_make(const char *dir, char *err, size_t errlen);

/* 0 when no file a run writes in DIR (results.json, journal.jsonl,
 * junit.xml, summary.md, index.html) is one file with any of
 * INPUTS[0..N) (pf_same_file; NULL entries skipped); else -1 with
 * "DIR/NAME is both an input and an output" in ERR. */
int pf_out_dir_check_inputs(const char *dir, const char *const *inputs, size_t n, char *err,
                            size_t errlen);
/* 0 when the output PATH is none of INPUTS[0..N); else -1 with
 * "PATH is both an input and the output" in ERR. */
int pf_out_file_check_inputs(const char *path, const char *const *inputs, size_t n, char *err,
                             size_t errlen);

#endif

/* atomic_file.h: files that appear whole or not at all. */
#ifndef PF_ATOMIC_FILE_H
#define PF_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Lives where it was opened until commit or abort (F's writes reach it). */
struct pf_atomic_file {
    FILE *f;            /* write here */
    int fd;             /* the temp file, -1 once closed */
    int error;          /* the first failed write(2)'s errno, else 0 */
    char path[4096];    /* the final name */
    char tmp[4200];     /* PATH.tmp.XXXXXX, renamed over PATH on commit */
};

/* Is PATH a name the writer may replace: nothing there, or a regular file
 * (a link followed: a link to a regular file is replaced, a link to a
 * device or a FIFO refused)? Returns 0, or -1 with "PATH: not a regular
 * file" (a directory: "PATH: Is a directory") in ERR. */
int pf_atomic_check(const char *path, char *err, size_t errlen);
/* Refuses PATH as pf_atomic_check() does, then creates a fresh,
 * unpredictable PATH.tmp.XXXXXX next to PATH (O_EXCL, so never through a
 * planted link; the umask's usual mode). Returns 0, or -1 with
 * "PATH: strerror" (or pf_atomic_check's message) in ERR. */
int pf_atomic_open(struct pf_atomic_file *af, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs and closes the temp file, checking every write: the
 * new content is then whole on the disk, not yet at PATH. Files that must
 * change together are each finished before any is committed, so a full
 * disk is met while every PATH is still the old one. Returns 0, or -1
 * with "PATH: strerror" in ERR and the temp file removed. */
int pf_atomic_finish(struct pf_atomic_file *af, char *err, size_t errlen);
/* Finishes the file (pf_atomic_finish) unless that was done, then checks
 * PATH again (pf_atomic_check) and renames the temp file over it (a link
 * at PATH to a regular file is replaced, not followed).
 * Returns 0, or -1 with "PATH: strerror" in ERR and the temp file
 * removed; PATH is then what it was. */
int pf_atomic_commit(struct pf_atomic_file *af, char *err, size_t errlen);
/* Gives up after a writer failed: removes the temp file and puts
 * "PATH: strerror" (the failed write's errno, else EIO) in ERR. Returns -1. */
int pf_atomic_fail(struct pf_atomic_file *af, char *err, size_t errlen);
/* Gives up silently: closes and removes the temp file. */
void pf_atomic_abort(struct pf_atomic_file *af);
/* Removes the temp files a killed writer of PATH left: PATH.tmp. and six
 * letters or digits, regular files only (a link is never followed nor
 * removed). Only for a caller holding PATH's folder (dir_lock.h): a live
 * writer's temp file has the same name. Returns how many went. */
int pf_atomic_remove_stale(const char *path);

#endif

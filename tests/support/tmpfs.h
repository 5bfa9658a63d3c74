/*
 * tmpfs.h: small file systems a test mounts to see the harness meet a full
 * disk or a read-only folder (needs root; the caller skips otherwise).
 */
#ifndef PYFAULT_TEST_TMPFS_H
#define PYFAULT_TEST_TMPFS_H

#include <stddef.h>

/* Mounts a tmpfs of SIZE_KB KiB on a fresh directory (its path into DIR).
 * Returns 0, or -1 with the reason in DIR (nothing left mounted). */
int tmpfs_mount(char *dir, size_t dirlen, unsigned size_kb);
/* Remounts DIR read-only. Returns 0 or -1. */
int tmpfs_remount_ro(const char *dir);
/* Fills DIR's file system to the last byte with DIR/fill. Returns 0 when
 * a write then failed with ENOSPC, else -1. */
int tmpfs_fill(const char *dir);
/* Unmounts DIR (lazily) and removes the directory. */
void tmpfs_unmount(const char *dir);
/* The whole content of PATH (heap, NUL-terminated), or NULL. */
char *tmpfs_slurp(const char *path);

#endif

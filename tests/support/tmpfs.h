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
/* Remounts DIR with room for SIZE_KB KiB in all (what it holds stays).
 * Returns 0 or -1. */
int tmpfs_resize(const char *dir, unsigned size_kb);
/* Fills DIR's file system to the last byte with DIR/fill. Returns 0 when
 * a write then failed with ENOSPC, else -1. */
int tmpfs_fill(const char *dir);
/* Unmounts DIR (lazily) and removes the directory. */
void tmpfs_unmount(const char *dir);
/* The size of the buffer tmpfs_setup() puts in *STATE. */
#define TMPFS_DIRLEN 512
/* cmocka setup: a buffer of TMPFS_DIRLEN bytes in *STATE, for
 * tmpfs_mount(). Returns 0, or -1 when out of memory. */
int tmpfs_setup(void **state);
/* cmocka teardown (run after a failed test too): unmounts what
 * tmpfs_mount() mounted on *STATE, if anything, and frees it. Returns 0. */
int tmpfs_teardown(void **state);
/* The whole content of PATH (heap, NUL-terminated), or NULL. */
char *tmpfs_slurp(const char *path);

#endif

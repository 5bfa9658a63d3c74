/* private_file.h: new files only this user can open, never reached
 * through a planted link. */
#ifndef PF_PRIVATE_FILE_H
#define PF_PRIVATE_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* Creates PATH anew (O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600) with
 * the access mode FLAGS (O_WRONLY, O_RDWR). Returns the descriptor, or -1
 * with errno (EEXIST: something, a symlink too, already has the name). */
int pf_private_create(const char *path, int flags);
/* Removes a stale PATH (a file or a link, never what a link points to),
 * then pf_private_create()s it. Returns the descriptor, or -1 with errno. */
int pf_private_recreate(const char *path, int flags);
/* Opens PATH with the access mode FLAGS: the regular file already there,
 * or one created anew (mode 0600); never through a link (ELOOP), never
 * anything but a regular file (pf_open_regular). Returns the descriptor,
 * or -1 with errno. */
int pf_private_open(const char *path, int flags);
/* What ST is to a writer or reader of regular files: 0 a regular file,
 * EISDIR a directory, EINVAL anything else (a device, a FIFO, a socket).
 * Pure. */
int pf_regular_errno(const struct stat *st);
/* open(PATH, FLAGS|O_NONBLOCK|O_CLOEXEC, 0600), kept only if it is a regular
 * file: the fd, or -1 with errno (pf_regular_errno: EISDIR, EINVAL). */
int pf_open_regular(const char *path, int flags);
/* pf_open_regular(PATH, FLAGS) for reading, as a stdio stream, with its
 * stat in *ST when ST is not NULL. Returns the stream, or NULL with
 * "PATH: why" in ERR ("not a regular file" for a FIFO, device or socket). */
FILE *pf_fopen_regular(const char *path, int flags, struct stat *st, char *err, size_t errlen);
/* Creates a fresh file from TEMPLATE (ending in "XXXXXX" followed by
 * SUFFIXLEN more characters; the X's are replaced in place), mode 0600,
 * O_EXCL and O_CLOEXEC. Returns the descriptor, or -1 with errno. */
int pf_private_temp(char *template, int suffixlen);
/* The process's umask, read from /proc/self/status without changing it
 * (thread-safe); 022 when it cannot be read. */
unsigned pf_private_umask(void);

#endif

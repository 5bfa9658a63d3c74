/* dir_lock.h: one command at a time per output folder. A sweep, matrix,
 * pytest or report run holds an exclusive record lock on DIR/.lock for its
 * whole run; the kernel drops it when the process ends, however it ends, so a
 * SIGKILLed run leaves no stale lock behind (its children hold none). */
#ifndef PF_DIR_LOCK_H
#define PF_DIR_LOCK_H

#include <stddef.h>

#define PF_DIR_LOCK_NAME ".lock"

/* Locks the folder DIR for this process without waiting: DIR/.lock is
 * opened or created (pf_private_open: 0600, never through a link,
 * close-on-exec so no trial inherits it) and write-locked whole with
 * fcntl F_SETLK. Call once per folder and process (a record lock is the
 * process's: a second call would succeed, and its close unlock both).
 * Returns the descriptor, to keep open while the folder is in use, or -1
 * with a one-line message in ERR: "DIR: in use by another pyfault (pid
 * N)" when another process holds it, else "DIR/.lock: strerror". */
int pf_dir_lock(const char *dir, char *err, size_t errlen);
/* Releases a lock pf_dir_lock returned (no-op for -1). */
void pf_dir_unlock(int fd);

#endif

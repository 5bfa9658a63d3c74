/* dir_lock.c: a record lock (fcntl F_SETLK), not a pid file: the lock
 * cannot outlive its holder, so nothing ever has to decide whether a lock
 * is stale. Not flock either: a flock belongs to the open file, which
 * every child between fork and exec shares, so a trial still being
 * spawned when the harness was SIGKILLed held the folder for a moment and
 * a --resume right after the kill was refused (test_resume's python
 * start-up sweep). A record lock belongs to the process alone, and F_GETLK
 * names it. It is dropped when the process closes any descriptor of the
 * file, so this file is opened once per lock. The lock file stays empty
 * (a full disk does not stop it) and stays in place: removing it would
 * let a third process lock a fresh file while the second holds the old. */
#include "dir_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "private_file.h"

int pf_dir_lock(const char *dir, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/%s", dir, PF_DIR_LOCK_NAME);
    int fd = pf_private_open(path, O_RDWR);
    if (fd < 0) {
        snprintf(err, errlen, "%.4100s: %s", path,
                 errno == EINVAL ? "not a regular file"
                 : errno == ELOOP ? "a symbolic link, not followed" : strerror(errno));
        return -1;
    }
    struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int rc;
    while ((rc = fcntl(fd, F_SETLK, &whole)) < 0 && errno == EINTR)
        ;
    if (rc == 0)
        return fd;
    int e = errno;
    struct flock held = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int named = (e == EACCES || e == EAGAIN) && fcntl(fd, F_GETLK, &held) == 0 &&
                held.l_type != F_UNLCK && held.l_pid > 0;
    close(fd);
    if (e != EACCES && e != EAGAIN)
        snprintf(err, errlen, "%.4100s: %s", path, strerror(e));
    else if (named)
        snprintf(err, errlen, "%.4000s: in use by another pyfault (pid %ld)", dir,
                 (long)held.l_pid);
    else
        snprintf(err, errlen, "%.4000s: in use by another pyfault", dir);
    return -1;
}

void pf_dir_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

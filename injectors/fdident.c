/*
 * fdident.c: whether two descriptors are one open file description, the
 * thing a fork shares (an offset, a pipe's end, an epoll set), for the
 * fork server's noting (fdprivate.c, fdchannel.c, fdepoll.c). Two
 * numbers can name one file through two descriptions, which a trial must
 * keep apart, or one description, which it must keep as one.
 * A system call: no allocation.
 */
#include "internal.h"

#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

bool pf_fd_one_description(int fd, pid_t other, int other_fd)
{
    return syscall(SYS_kcmp, (long)getpid(), (long)other, (long)KCMP_FILE, (long)fd,
                   (long)other_fd) == 0;
}

/* h_fds.c: a target that counts on its own descriptor numbers, for the
 * shim's descriptors kept out of its way (tests/shim/test_fds.c).
 *   h_fds list OUT     writes the open descriptors below 64, one a line
 *   h_fds rlimit PATH  RLIMIT_NOFILE (4,4), then opens PATH: exit 0, or
 *                      1 (EMFILE) when fd 3 is taken
 *   h_fds dup3 PATH    its own PATH dup2()ed onto fd 3, a line written
 *                      there, then 50 mallocs: exit 1 when one fails
 *   h_fds closeall     closes every descriptor from 3 up, then writes
 *                      through a null pointer (a segfault in crash_here)
 *   h_fds clobber PATH its own PATH dup2()ed onto every number from 3 to
 *                      the descriptor limit (1024 at most), a line
 *                      written there, then 50 mallocs
 * No allocation before the mallocs of dup3 (nth=1 fails the first). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) static void crash_here(volatile int *p)
{
    *p = 7;
}

static int list(const char *out)
{
    char buf[512];
    size_t len = 0;
    for (int fd = 0; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%d\n", fd);
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o < 0 || write(o, buf, len) != (ssize_t)len)
        return 2;
    close(o);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "list") == 0)
        return list(argv[2]);
    if (argc == 3 && strcmp(argv[1], "rlimit") == 0) {
        struct rlimit rl = {4, 4};
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            return 2;
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror("h_fds: open");
            return 1;
        }
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "dup3") == 0) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 3) < 0)
            return 2;
        if (fd != 3)
            close(fd);
        if (write(3, "mine\n", 5) != 5)
            return 2;
        for (int i = 0; i < 50; i++) {
            void *p = malloc(64);
            if (!p) {
                fprintf(stderr, "h_fds: out of memory at allocation %d\n", i + 1);
                return 1;
            }
            free(p);
        }
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "clobber") == 0) {
        int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        struct rlimit rl;
        if (fd < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
            return 2;
        int top = rl.rlim_cur < 1024 ? (int)rl.rlim_cur : 1024;
        for (int n = 3; n < top; n++)
            if (n != fd && dup2(fd, n) < 0)
                return 2;
        if (write(fd, "mine\n", 5) != 5)
            return 2;
        for (int i = 0; i < 50; i++)
            free(malloc(64));
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "closeall") == 0) {
        syscall(SYS_close_range, 3u, ~0u, 0u);
        crash_here(NULL);
        return 0;
    }
    fprintf(stderr, "usage: h_fds list OUT | rlimit PATH | dup3 PATH | closeall | clobber PATH\n");
    return 2;
}

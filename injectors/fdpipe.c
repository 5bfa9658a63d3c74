/*
 * fdpipe.c: pipe2, so that libunwind's pipe is made out of the target's
 * numbering. Apart from fdhigh.c, which the ThreadSanitizer build of the
 * filter code (mk/tsan.mk) links without a pipe2 of ours.
 */
#include "internal.h"

#include <sys/syscall.h>
#include <unistd.h>

#define PF_EXPORT __attribute__((visibility("default")))

/*
 * libunwind (1.6, x86_64 Ginit.c) makes a pipe2(O_CLOEXEC | O_NONBLOCK)
 * at its first unwind, keeps the two numbers in a static we cannot reach,
 * and writes a byte of each address it validates into it (in every signal
 * frame unwind: crash.c). No setting turns it off. Moving the ends after
 * the fact would leave libunwind reading and writing, and closing on its
 * next re-open, whatever the target later gets under the old numbers; so
 * the pipe is made high in the first place: libunwind's pipe2 resolves to
 * this one (the shim comes first in the lookup scope), which moves both
 * ends before returning them when, and only when, it is called from
 * libunwind's text. Every other caller gets the plain system call, as
 * glibc's pipe2 is.
 */
PF_EXPORT int pipe2(int fds[2], int flags)
{
    long r = syscall(SYS_pipe2, fds, flags);
    if (r < 0)
        return -1;
    uintptr_t from = (uintptr_t)__builtin_return_address(0);
    if (pf_fd_from_unwinder(from)) {
        /* made close-on-exec here whatever was asked: libunwind asks it */
        fds[0] = pf_fd_move_high(fds[0]);
        fds[1] = pf_fd_move_high(fds[1]);
        pf_fd_note_unwinders_pipe(fds);
    }
    return 0;
}

/*
 * quickexit.c: the summary of a process that ends by _exit.
 *
 * _exit and _Exit skip the exit handlers, and with them the destructor
 * that writes "summary" (init.c). multiprocessing's forked workers end
 * that way (os._exit), as does many a C program's child after its work:
 * each left a start with no end in the log, which the fork server takes
 * as unknown and execs every later point for (childlog.c). So these two
 * write the summary first. A vfork child shares the shim's memory and
 * is not the log's process: it writes nothing (pf_event_exit).
 *
 * glibc's exit reaches its own _exit inside libc, not this one, after
 * the destructor has written the summary already. The shim's own exits
 * go through pf_exit_now.
 */
#include "internal.h"

#include <sys/syscall.h>
#include <unistd.h>

#define PF_EXPORT __attribute__((visibility("default")))

_Noreturn void pf_exit_now(int status)
{
    for (;;)
        syscall(SYS_exit_group, (long)status);
}

static _Noreturn void exit_with_summary(int status)
{
    if (__atomic_load_n(&pf_ready, __ATOMIC_ACQUIRE)) {
        pf_guard_enter();
        pf_event_exit();
        pf_guard_leave();
    }
    pf_exit_now(status);
}

PF_EXPORT _Noreturn void _exit(int status)
{
    exit_with_summary(status);
}

PF_EXPORT _Noreturn void _Exit(int status)
{
    exit_with_summary(status);
}

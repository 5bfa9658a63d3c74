/*
 * altstack.c: an alternate signal stack for every thread (a leaf but for
 * the guard).
 *
 * A stack overflow's SIGSEGV can only be handled on another stack, and
 * sigaltstack is per thread. So each thread gets one the first time it
 * allocates through the shim (an initial-exec TLS flag makes that test a
 * single load), once the crash handlers are in: an mmap'd stack with a
 * guard page below it, never the heap. A thread that already has one (set
 * by the program, or CPython's faulthandler) keeps its own. At thread
 * exit a pthread key's destructor disables and unmaps the stack, so
 * nothing is left per thread.
 */
#include "internal.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#define PF_ALTSTACK_SIZE (64 * 1024)

__thread int pf_altstack_checked __attribute__((tls_model("initial-exec")));

static int wanted;          /* set once the crash handlers are in */
static pthread_key_t owner; /* per thread: our mapping, to unmap at exit */
static int owner_ok;

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

/* The thread is exiting: disable the stack if it is still ours, unmap it. */
static void release(void *mem)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == (char *)mem + page_size() &&
        !(cur.ss_flags & SS_ONSTACK)) {
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
    }
    munmap(mem, page_size() + PF_ALTSTACK_SIZE);
}

/* Gives the calling thread a stack unless it has one. */
static void give_stack(void)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE))
        return;
    size_t guard = page_size();
    char *mem = pf_map_aside(guard + PF_ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return;
    mprotect(mem, guard, PROT_NONE);
    stack_t ss = {.ss_sp = mem + guard, .ss_size = PF_ALTSTACK_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(mem, guard + PF_ALTSTACK_SIZE);
        return;
    }
    if (owner_ok) {
        /* a key past glibc's first 32 makes it calloc: ours to pass on */
        pf_guard_enter();
        pthread_setspecific(owner, mem);
        pf_guard_leave();
    }
}

void pf_altstack_setup(void)
{
    pf_altstack_checked = 1;
    if (__atomic_load_n(&wanted, __ATOMIC_ACQUIRE))
        give_stack();
}

void pf_altstack_install(void)
{
    owner_ok = pthread_key_create(&owner, release) == 0;
    __atomic_store_n(&wanted, 1, __ATOMIC_RELEASE);
    pf_altstack_checked = 1;
    give_stack();
}

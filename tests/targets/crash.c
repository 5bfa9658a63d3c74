/*
 * crash: dies the way argv[1] says: segv (NULL write), overflow (unbounded
 * recursion), abort, or nested (a faulthandler-like handler that re-raises
 * from inside itself, as CPython's faulthandler does, then segv).
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int sink;
static volatile int keep_going = 1;

__attribute__((noinline)) static int recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    return keep_going ? recurse(depth + 1) + pad[0] : 0;
}

static struct sigaction previous;

static void reraising_handler(int sig)
{
    /* faulthandler: restore the previous handler, re-raise from here */
    sigaction(sig, &previous, NULL);
    raise(sig);
}

static void install_reraiser(void)
{
    static char stack[65536];
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = reraising_handler;
    sa.sa_flags = SA_NODEFER | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, &previous);
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "segv";
    if (strcmp(how, "nested-segv") == 0 || strcmp(how, "nested-overflow") == 0) {
        install_reraiser();
        how += strlen("nested-");
    }
    if (strcmp(how, "segv") == 0)
        *(volatile int *)(uintptr_t)16 = 1;
    else if (strcmp(how, "overflow") == 0)
        sink = recurse(0);
    else if (strcmp(how, "abort") == 0)
        abort();
    return 0;
}

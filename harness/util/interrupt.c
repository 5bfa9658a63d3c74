/* interrupt.c: the handler only sets a flag (async-signal-safe); each
 * supervisor sees it within one poll interval, kills its process group
 * and reaps it, so nothing outlives the harness. */
#include "interrupt.h"

#include <string.h>

volatile sig_atomic_t pf_interrupted;

static void on_signal(int sig)
{
    pf_interrupted = sig;
}

void pf_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* interrupt.h: Ctrl-C (and SIGTERM, SIGHUP) as a flag the supervisors poll. */
#ifndef PF_INTERRUPT_H
#define PF_INTERRUPT_H

#include <signal.h>

/* Set (to the signal number) by the handler; read by every supervise loop. */
extern volatile sig_atomic_t pf_interrupted;

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP, and ignores
 * SIGPIPE. Call once from the main thread before starting workers. */
void pf_interrupt_install(void);

#endif

/* clock.h: the monotonic clock, for timeouts, durations and progress
 * (never for dates: its origin is arbitrary). */
#ifndef PF_CLOCK_H
#define PF_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC. Async-signal-safe. */
uint64_t pf_now_ms(void);
/* Seconds on CLOCK_MONOTONIC, with their fraction. Async-signal-safe. */
double pf_now_s(void);

#endif

/* pace.c: verdict limits that follow the target's measured speed. */
#include "pace.h"

/* A loop window spans this many allocations at the counting run's rate:
 * an unwind loop fails far more often than that in the same time. */
#define LOOP_WINDOW_ALLOCS 4000u
#define LOOP_WINDOW_MIN_MS 10u
#define LOOP_WINDOW_MAX_MS 200u
#define LOOP_WINDOW_DEFAULT_MS 50u
/* A trial silent for this many of the counting run's longest gaps is
 * stuck; the floor absorbs scheduling noise on a loaded machine. */
#define STALL_FACTOR 4u
#define STALL_FLOOR_MS 200u

unsigned pf_pace_loop_window_ms(const struct pf_pace *p)
{
    if (!p || p->allocations == 0)
        return LOOP_WINDOW_DEFAULT_MS;
    /* a run shorter than the clock's millisecond counts as one */
    double ms = (double)(p->wall_ms ? p->wall_ms : 1) * LOOP_WINDOW_ALLOCS / (double)p->allocations;
    if (ms < LOOP_WINDOW_MIN_MS)
        return LOOP_WINDOW_MIN_MS;
    if (ms > LOOP_WINDOW_MAX_MS)
        return LOOP_WINDOW_MAX_MS;
    return (unsigned)ms;
}

unsigned pf_pace_stall_ms(const struct pf_pace *p)
{
    if (!p || p->allocations == 0)
        return 0;
    uint64_t ms = p->max_gap_ms * STALL_FACTOR;
    if (ms < STALL_FLOOR_MS)
        ms = STALL_FLOOR_MS;
    return ms > 3600u * 1000u ? 3600u * 1000u : (unsigned)ms;
}

double pf_pace_timeout_s(const struct pf_pace *p)
{
    double t = (double)(p ? p->wall_ms : 0) * 10.0 / 1000.0 + 1.0;
    return t < 3.0 ? 3.0 : t;
}

/* eventlog.h: reading the shim's JSON-lines event log (pyfault.h). */
#ifndef PF_EVENTLOG_H
#define PF_EVENTLOG_H

#include <stdint.h>
#include <stdio.h>

#include "frames.h"

struct pf_events {
    int have_fail;              /* a "fail" event with frames was seen */
    uint64_t fail_n;            /* the first failure's allocation number */
    struct pf_frames fail_frames;
    int have_crash;
    int crash_signal;
    uint64_t crash_addr;
    int crash_stack_overflow;
    int crash_tid;              /* the thread that crashed, 0 = unknown */
    int crash_main_thread;      /* ... was the process's main thread */
    char crash_thread[17];      /* ... its name (prctl), "" = unknown */
    struct pf_frames crash_frames;
    int have_summary;
    unsigned layer;           /* the first summary's layer, 0 = unknown */
    uint64_t allocations, eligible, injected, first, streak_max;
    int unforked;               /* a forked trial could not be given its own */
    char unforked_why[192];     /* ... "WHAT at fd N: ERRNO" */
    int precopied;              /* a forked trial copied the server's pages
                                   in one go (injectors/precopy.c) */
};

/* Parses the log at PATH from byte OFFSET on (earlier bytes belong to
 * other runs). The first "fail" and the first "crash" are kept; summary
 * counters are summed over processes. Malformed lines are skipped.
 * Returns 0, or -1 when the file cannot be read (a missing log is 0 with
 * nothing seen). */
int pf_events_read(const char *path, long offset, struct pf_events *out);
/* Parses one log line into OUT (see pf_events_read). Returns 0 when it
 * was a well-formed event, -1 otherwise. Pure. */
int pf_events_parse_line(const char *line, struct pf_events *out);

#endif

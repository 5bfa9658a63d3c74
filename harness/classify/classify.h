/* classify.h: the outcome classes and the one pure function that decides
 * them from gathered evidence. */
#ifndef PF_CLASSIFY_H
#define PF_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"

enum pf_class {
    PF_OK,
    PF_ERROR,
    PF_FATAL,
    PF_ABORT,
    PF_SEGFAULT,
    PF_STACK_OVERFLOW,
    PF_UNWIND_LOOP,
    PF_HANG,
    PF_SIGNAL,
    PF_HARNESS_ERROR,
    PF_CLASS_COUNT
};

enum pf_subkind { PF_SUB_NONE, PF_SUB_BLOCKED, PF_SUB_SPINNING };

/* What the threads of a stuck group were doing when it was judged. */
enum pf_stuck_state {
    PF_STUCK_UNKNOWN,   /* not seen: the CPU fraction decides */
    PF_STUCK_ASLEEP,    /* every thread asleep (state S) */
    PF_STUCK_RUNNABLE,  /* some thread runnable or in D: not waiting */
};

/* One call site failing this many times in a row, still failing, is an
 * unwind loop: real code gives up or makes progress long before. */
#define PF_LOOP_STREAK 2000u
/* A streak that has grown this much more past PF_LOOP_STREAK needs no
 * watch window: as many failures as the window holds allocations (pace.c),
 * and nothing succeeded between them. The shim parks a thread whose streak
 * reaches PF_LOOP_STREAK + PF_LOOP_CONFIRM on a watched page
 * (PYFAULT_LOOP_PARK in pyfault.h, asserted equal in supervise.c). */
#define PF_LOOP_CONFIRM 4000u
/* A stuck group using at least this fraction of one CPU is spinning. */
#define PF_SPIN_CPU 0.30

/* Everything known about one finished or stopped trial. Plain data. */
struct pf_evidence {
    int harness_failed;        /* the target could not be started */
    int finished;              /* it ended on its own (exit or signal) */
    int exit_code;             /* when finished without a signal */
    int signal;                /* terminating signal when finished, else 0 */
    int stack_overflow_hint;   /* the shim saw the fault in a guard region */
    uint64_t streak_start;     /* consecutive failures at one site: at the start */
    uint64_t site_streak;      /* ... and at the end of the final watch window */
    uint64_t injected_delta;   /* failures injected over that window */
    double cpu;                /* CPU fraction used over the final window */
    enum pf_stuck_state stuck; /* thread states when stuck; beats cpu, which
                                  a loaded machine lowers */
    const char *stderr_text;   /* captured stderr (may be NULL) */
    const struct pf_frames *crash_frames; /* stack at the fatal signal, or NULL */
};

struct pf_verdict {
    enum pf_class cls;
    enum pf_subkind sub;
    char func[128];     /* fatal: the function named by Py_FatalError */
    char detail[256];   /* fatal: the message; abort: the assertion text */
};

/* Decides the class of a trial from its evidence. Pure and total. */
void pf_classify(const struct pf_evidence *ev, struct pf_verdict *out);

/* Does a watch window prove an unwind loop? True when one site had
 * already failed PF_LOOP_STREAK times in a row at the window's start and
 * kept failing through it (STREAK_END > STREAK_START, INJECTED_DELTA > 0):
 * a finite burst of failures ends or resets the streak first. Pure; the
 * supervisor uses it to stop early, pf_classify to decide. */
int pf_loop_observed(uint64_t streak_start, uint64_t streak_end, uint64_t injected_delta);
/* Does one control page read prove an unwind loop by count alone? True
 * for a streak of PF_LOOP_STREAK + PF_LOOP_CONFIRM: a streak is one
 * unbroken run, so it was PF_LOOP_STREAK long and has kept failing
 * PF_LOOP_CONFIRM times since, which pf_loop_observed() accepts. Pure. */
int pf_loop_counted(uint64_t streak);

/* The exact class name ("stack-overflow", ...). Never NULL. */
const char *pf_class_name(enum pf_class c);
/* "blocked", "spinning" or "" for none. Never NULL. */
const char *pf_subkind_name(enum pf_subkind s);
/* The class named NAME, or -1. Pure. */
int pf_class_from_name(const char *name);

/* Finds a "Fatal Python error: func: message" line in TEXT that is not a
 * faulthandler signal report; fills FUNC (may be "") and MSG. Returns 1
 * when found. Pure. */
int pf_find_fatal(const char *text, char *func, size_t funclen, char *msg,
                  size_t msglen);
/* Finds an assertion failure text in TEXT (glibc's "Assertion `x' failed"
 * or "Assertion failed: x"); copies the assertion into OUT. Returns 1 when
 * found. Pure. */
int pf_find_assertion(const char *text, char *out, size_t outlen);

#endif

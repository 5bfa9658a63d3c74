/* layout.h: the address layout of every program the harness starts. */
#ifndef PF_LAYOUT_H
#define PF_LAYOUT_H

enum pf_layout {
    PF_LAYOUT_FIXED,   /* address-space randomization off: each run alike */
    PF_LAYOUT_RANDOM,  /* PYFAULT_ASLR asked to keep it */
    PF_LAYOUT_REFUSED, /* the kernel or a seccomp filter refused to turn it off */
};

/* Turns address-space randomization off for every program this process
 * execs from now on (the persona is inherited across fork and exec), or
 * on when PYFAULT_ASLR is set to anything but "" or "0". Returns the
 * layout in effect; safe to call again. */
enum pf_layout pf_layout_fix(void);

/* "fixed", "random" or "random (refused)": as JSON records it. */
const char *pf_layout_name(enum pf_layout l);

#endif

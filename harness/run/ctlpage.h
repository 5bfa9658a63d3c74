/* ctlpage.h: the supervisor's side of the control page (pyfault.h). */
#ifndef PF_CTLPAGE_H
#define PF_CTLPAGE_H

#include <stdint.h>

#include "pyfault.h"
#include "sitekey.h"

struct pf_ctlpage {
    char path[256];
    struct pyfault_ctl *ctl; /* shared mapping of the file */
};

/* A consistent-enough copy of the counters a supervisor watches. */
struct pf_ctl_snapshot {
    uint32_t foreign_version; /* a claimed page of another layout: its
                               * version, and every field below but
                               * owner_pid and state left zero; else 0 */
    int32_t owner_pid;
    uint32_t state;
    uint32_t layer;          /* enum pyfault_layer in effect, 0 = unknown */
    uint64_t allocations, eligible, injected, first_injected;
    uint64_t site_streak, site_streak_max;
    int32_t crash_signal;
    uint64_t crash_addr;
    uint32_t crash_stack_overflow;
    uint32_t site_depth;
    uint64_t site_frames[PYFAULT_CTL_SITE_FRAMES];
    struct pf_sitekey fail;  /* the first failure's site key (hash 0: none) */
};

/* Creates the zero-filled file PATH and maps it. Returns 0, or -1 with
 * errno set. */
int pf_ctlpage_create(struct pf_ctlpage *cp, const char *path);
/* Zero-fills the page again for the next trial. */
void pf_ctlpage_reset(struct pf_ctlpage *cp);
/* Reads the counters with atomic loads; from a page whose owner stamped
 * another PYFAULT_CTL_VERSION (a shim of another build), only who owns it
 * and its state, and which version it is. */
void pf_ctlpage_read(const struct pf_ctlpage *cp, struct pf_ctl_snapshot *out);
/* Unmaps and removes the file. */
void pf_ctlpage_destroy(struct pf_ctlpage *cp);

#endif

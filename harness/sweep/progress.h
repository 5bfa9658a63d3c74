/* progress.h: the sweep's progress report on stderr. */
#ifndef PF_PROGRESS_H
#define PF_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"

struct pf_progress_counts {
    uint64_t done, total;
    uint64_t journaled;   /* of DONE, read from a resumed sweep's journal: not in the rate */
    uint64_t counts[PF_CLASS_COUNT];
};

struct pf_progress {
    int mode;           /* 0 none, 1 live line (terminal), 2 plain lines */
    uint64_t last_ms;   /* when the last line was printed */
    int printed;
};

/* MODE: 0 none, 1 a live line redrawn in place, 2 a plain line every few
 * seconds. */
void pf_progress_init(struct pf_progress *p, int mode);
/* Reports C at ELAPSED_MS; FINAL ends the live line. */
void pf_progress_update(struct pf_progress *p, const struct pf_progress_counts *c,
                        uint64_t elapsed_ms, int final);
/* Formats one progress line (no newline) into OUT. Pure. */
void pf_progress_format(const struct pf_progress_counts *c, uint64_t elapsed_ms,
                        char *out, size_t outlen);

#endif

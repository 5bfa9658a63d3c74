/* spec_pad.h: one PYFAULT length for every run of one target and filters.
 *
 * CPython sizes os.environ's objects by the environment's text, so two
 * runs whose specs differ in length (nth=9 and from=18113, a trial and
 * the fork server it is forked from, a trial and its repro) can place
 * their objects apart, and a crash that reads freed or uninitialized
 * memory can come and go with that. Every spec the harness composes is
 * padded (the shim ignores pad=) to a length that depends only on the
 * filters and the length of the scratch folder, never on the mode or
 * point. */
#ifndef PF_SPEC_PAD_H
#define PF_SPEC_PAD_H

#include <stddef.h>

/* The length specs with FILTERS (NULL or "": none) are padded to, their
 * event logs in a folder whose path is DIR_LEN long: room for the longest
 * mode token, event log, log-max= and fork-fd= the harness adds, and the
 * pad itself. */
size_t pf_spec_width(const char *filters, size_t dir_len);

/* pf_spec_width of INJECT's filters: INJECT without its nth=/from= token
 * (the point), pad= and trial-stdio (repro --gdb's). */
size_t pf_spec_width_of(const char *inject, size_t dir_len);

/* Appends ",pad=..." to SPEC (a buffer of CAP bytes) so that it is WIDTH
 * characters long. Returns 0 (also when it is WIDTH already), or -1, SPEC
 * unchanged, when it is too long for that or WIDTH does not fit in CAP. */
int pf_spec_pad(char *spec, size_t cap, size_t width);

#endif

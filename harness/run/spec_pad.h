/* spec_pad.h: one PYFAULT length for every target of a sweep.
 *
 * CPython sizes os.environ's objects by the environment's text, so two
 * runs whose specs differ in length (nth=9 and nth=18113, a trial and
 * the fork server it is forked from) can place their objects apart, and
 * a crash that reads freed or uninitialized memory can come and go with
 * that. Padding every spec of a sweep to one length (the shim ignores
 * pad=) gives its trials, exec'd or forked, the same footprint. */
#ifndef PF_SPEC_PAD_H
#define PF_SPEC_PAD_H

#include <stddef.h>

/* The length every spec of a sweep with FILTERS (NULL: none), whose event
 * logs live in DIR, is padded to: room for the longest mode token, event
 * log, log-max= and fork-fd= the harness adds, and the pad itself. */
size_t pf_spec_width(const char *filters, const char *dir);

/* Appends ",pad=..." to SPEC (a buffer of CAP bytes) so that it is WIDTH
 * characters long. Returns 0 (also when it is WIDTH already), or -1, SPEC
 * unchanged, when it is too long for that or WIDTH does not fit in CAP. */
int pf_spec_pad(char *spec, size_t cap, size_t width);

#endif

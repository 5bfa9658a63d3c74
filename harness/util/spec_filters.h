/* spec_filters.h: whether an inject spec holds filters only. */
#ifndef PF_SPEC_FILTERS_H
#define PF_SPEC_FILTERS_H

#include <stddef.h>

/* 1 when SPEC (a shim spec, injectors/pyfault.h) is filters alone, as a
 * sweep's --inject and a scenario's inject: header must be; 0 when it
 * names a mode, count included; -1 when it does not parse or holds a key
 * the harness sets for its trials itself or one that spoils every trial
 * (fork-fd=, log=, log-max=, sites=, sites-k=, sites-depth=, sites-pow2,
 * trap), why in WHY.
 * Pure. */
int pf_spec_filters_only(const char *spec, char *why, size_t whylen);

#endif

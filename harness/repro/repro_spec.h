/* repro_spec.h: whether a spec read from results.json may be replayed. */
#ifndef PF_REPRO_SPEC_H
#define PF_REPRO_SPEC_H

#include <stddef.h>

/* 0 when SPEC parses (pyfault_spec_parse) and names no file or descriptor
 * the shim would write or take over (log=, sites=, fork-fd=: results.json
 * may come from anyone, and no writer records them); else -1 with the
 * reason in WHY ("log= is not replayed (...)", or the parser's). Pure. */
int pf_repro_spec_ok(const char *spec, char *why, size_t whylen);

#endif

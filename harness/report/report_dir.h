/* report_dir.h: DIR/results.json -> DIR/junit.xml, DIR/summary.md,
 * DIR/index.html: the report step `pyfault report` (and any caller at the
 * end of a run) takes. */
#ifndef PF_REPORT_DIR_H
#define PF_REPORT_DIR_H

#include <stddef.h>

/* Loads DIR/results.json (and BASELINE, a results.json, unless NULL) and
 * writes the three reports, each through a temp file and rename(2), so
 * every report is the old one or a whole new one. Returns 0, or -1 with a
 * one-line message in ERR. */
int pf_report_dir(const char *dir, const char *baseline, char *err, size_t errlen);

#endif

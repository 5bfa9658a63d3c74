/* report_dir.h: DIR/results.json -> DIR/junit.xml, DIR/summary.md,
 * DIR/index.html: the report step `pyfault report` (and any caller at the
 * end of a run) takes. */
#ifndef PF_REPORT_DIR_H
#define PF_REPORT_DIR_H

#include <signal.h>
#include <stddef.h>

/* For a caller holding DIR's lock (dir_lock.h): removes the reports' temp
 * files a killed run left (pf_atomic_remove_stale), checks that none of
 * the three reports' names is taken by anything but a regular file
 * (pf_atomic_check), loads DIR/results.json (and BASELINE, a
 * results.json, unless NULL) and writes the three reports, each through a
 * temp file and rename(2), renamed only once all three are written and
 * flushed to the disk (pf_atomic_finish), so every report is the old one
 * or a whole new one, a full disk included. Returns 0, or -1 with a
 * one-line message in ERR (no temp file left). */
int pf_report_dir(const char *dir, const char *baseline, char *err, size_t errlen);
/* pf_report_dir, stopping with "interrupted: no report written" (-1, every
 * temp file removed, nothing renamed) when *STOP (unless STOP is NULL) is
 * set before the renames: pf_interrupted for `pyfault report`. */
int pf_report_dir_until(const char *dir, const char *baseline, const volatile sig_atomic_t *stop,
                        char *err, size_t errlen);

#endif

/* inherited_fds.h: the descriptors the harness was started with, and only
 * those (and 0-2), given to every process it starts. */
#ifndef PF_INHERITED_FDS_H
#define PF_INHERITED_FDS_H

/* Notes the descriptors above 2 open now (call first thing in main). */
void pf_inherited_fds_note(void);
/* In a child between fork and exec: closes every descriptor above 2 that
 * was not open when the harness started, but KEEP (-1: none). Nothing
 * is closed when there were more than could be noted. Async-signal-safe
 * (system calls only). */
void pf_inherited_fds_close_others(int keep);

#endif

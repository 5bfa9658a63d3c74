/* escaped.h: a trial's descendants that left its process group. */
#ifndef PF_ESCAPED_H
#define PF_ESCAPED_H

#include <stddef.h>
#include <sys/types.h>

/* Kills and reaps every process re-parented to us (the harness is a child
 * subreaper) whose environment holds the exact entry MARKER (the trial's
 * "PYFAULT_CTL=..."): what a target started in a session of its own
 * (setsid) and left behind. Repeats until none is left, so their own
 * children, re-parented to us in turn, go too. Call after the group is
 * reaped. Thread-safe: other trials' processes carry other markers. */
void pf_escaped_kill(const char *marker);
/* The same for the processes re-parented to us that carry MARKER, the
 * NLIVE of LIVE aside and the members of the process groups they lead:
 * for a marker that other live processes of ours share (a fork server's,
 * which the server and its trials carry), what a trial set loose in a
 * session (setsid) or a process group (setpgid) of its own. What is left
 * in a live trial's group is that trial's, and goes with it. */
void pf_escaped_kill_detached(const char *marker, const pid_t *live, size_t nlive);

#endif

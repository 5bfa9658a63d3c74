/* escaped.h: a trial's descendants that left its process group. */
#ifndef PF_ESCAPED_H
#define PF_ESCAPED_H

/* Kills and reaps every process re-parented to us (the harness is a child
 * subreaper) whose environment holds the exact entry MARKER (the trial's
 * "PYFAULT_CTL=..."): what a target started in a session of its own
 * (setsid) and left behind. Repeats until none is left, so their own
 * children, re-parented to us in turn, go too. Call after the group is
 * reaped. Thread-safe: other trials' processes carry other markers. */
void pf_escaped_kill(const char *marker);

#endif

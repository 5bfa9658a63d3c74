/* lifeline.c: PR_SET_PDEATHSIG, set after fork and before exec (it
 * survives exec), then getppid() against the saved parent: had the parent
 * died first, the child would already belong to a reaper and the signal
 * would never come. */
#include "lifeline.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

int pf_lifeline_bind(pid_t parent)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        return -1;
    return getppid() == parent ? 0 : -1;
}

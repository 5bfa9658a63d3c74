/* escaped.c: the process group kill misses whatever called setsid; as the
 * subreaper we inherit those once their parents die, and the control
 * page's name in their environment says which trial they came from. */
#include "escaped.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procenv.h"

#define BATCH 64
#define MAX_ROUNDS 10000

/* Kills and reaps what Q finds until it finds nothing. */
static void kill_all(const struct pf_procenv_query *q)
{
    pid_t pids[BATCH];
    for (int round = 0; round < MAX_ROUNDS; round++) {
        size_t n = pf_procenv_find(q, pids, BATCH);
        if (n == 0)
            return;
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        for (size_t i = 0; i < n; i++)
            while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
                ;
    }
}

void pf_escaped_kill(const char *marker)
{
    struct pf_procenv_query q = {.entry = marker, .parent = getpid()};
    kill_all(&q);
}

void pf_escaped_kill_detached(const char *marker, const pid_t *live, size_t nlive)
{
    struct pf_procenv_query q = {.entry = marker, .parent = getpid(), .exclude = live,
                                 .nexclude = nlive, .outside_excluded_groups = 1};
    kill_all(&q);
}

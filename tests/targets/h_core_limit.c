/* h_core_limit.c: makes one allocation (whether it fails or not), then
 * exits 0 when it may not dump core (soft RLIMIT_CORE 0) and 3 when it
 * may: the harness's core-dump policy, seen from a trial. */
#include <stdlib.h>
#include <sys/resource.h>

int main(void)
{
    free(malloc(64));
    struct rlimit lim;
    if (getrlimit(RLIMIT_CORE, &lim) != 0)
        return 2;
    return lim.rlim_cur == 0 ? 0 : 3;
}

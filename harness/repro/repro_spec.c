/* repro_spec.c: a trial's spec checked before anything runs. The shim
 * would append its event records to a log= file and rewrite a sites=
 * file, wherever they are: a crafted results.json must not make repro
 * write them. A spec the shim rejects would run the target uninjected
 * and say "not reproduced" for the wrong reason. */
#include "repro_spec.h"

#include <stdio.h>

#include "pyfault.h"

int pf_repro_spec_ok(const char *spec, char *why, size_t whylen)
{
    struct pyfault_spec s;
    if (pyfault_spec_parse(spec, &s, why, whylen) < 0)
        return -1;
    const char *key = s.log_path[0] ? "log=" : s.sites_path[0] ? "sites=" : NULL;
    if (key) {
        snprintf(why, whylen, "%s is not replayed (it names a file to write)", key);
        return -1;
    }
    if (s.fork_fd >= 0) {
        snprintf(why, whylen, "fork-fd= is not replayed (the fork engine's own descriptor)");
        return -1;
    }
    return 0;
}

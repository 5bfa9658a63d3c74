/*
 * skipping.h: a cmocka skip that says why. run-all.sh collects the
 * "skipped: ..." lines and prints each reason once before its summary line.
 */
#ifndef PYFAULT_TEST_SKIPPING_H
#define PYFAULT_TEST_SKIPPING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Skips the current test, printing "skipped: TEST: REASON" on stdout. */
#define skip_because(reason)                                              \
    do {                                                                  \
        printf("skipped: %s: %s\n", __func__, (reason));                  \
        fflush(stdout);                                                   \
        skip();                                                           \
    } while (0)

/* Is the environment variable NAME set to exactly "1"? */
static inline int env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && strcmp(v, "1") == 0;
}

/* PYFAULT_SLOW=1 (`make test-slow` sets it): run the long forms, the
 * CPython builds and the exhaustive sweeps `make test` samples. */
static inline int slow_tests_enabled(void)
{
    return env_flag("PYFAULT_SLOW");
}

#endif

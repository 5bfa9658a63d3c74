/*
 * skipping.h: a cmocka skip that says why. run-all.sh collects the
 * "skipped: ..." lines and prints each reason once before its summary line.
 */
#ifndef PYFAULT_TEST_SKIPPING_H
#define PYFAULT_TEST_SKIPPING_H

#include <stdio.h>

/* Skips the current test, printing "skipped: TEST: REASON" on stdout. */
#define skip_because(reason)                                              \
    do {                                                                  \
        printf("skipped: %s: %s\n", __func__, (reason));                  \
        fflush(stdout);                                                   \
        skip();                                                           \
    } while (0)

#endif

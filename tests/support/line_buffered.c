/*
 * line_buffered.c: every test program writes its stdout a line at a
 * time, even into run-all.sh's pipe, so that a program stopped for
 * running too long has printed all it had to say (a sweep's figures
 * between cmocka's own lines, which it flushes itself).
 */
#include <stdio.h>

/* Sets stdout line-buffered before main. */
__attribute__((constructor)) static void stdout_by_lines(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
}

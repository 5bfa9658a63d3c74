/* h_pyfatal_nul.c: a NUL byte on stdout and on stderr before a
 * Py_FatalError-style report and an abort: the harness must see what
 * follows each NUL (class fatal, the tails past it). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    static const char out[] = "before\0after the NUL\n";
    static const char err[] = "x\0\n";
    if (write(1, out, sizeof out - 1) < 0 || write(2, err, sizeof err - 1) < 0)
        return 3;
    fprintf(stderr, "Fatal Python error: _PyFake_Nul: report after a NUL\n"
                    "Python runtime state: initialized\n");
    fflush(stderr);
    abort();
}

/* h_pyfatal.c: writes a Py_FatalError-style report on stderr, then
 * aborts, as CPython does (class fatal, function and message kept). */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    fprintf(stderr, "Fatal Python error: _PyFake_Finalize: lost the GIL twice\n"
                    "Python runtime state: finalizing (tstate=0x0)\n\n"
                    "Current thread 0x00007f (most recent call first):\n"
                    "  <no Python frame>\n");
    fflush(stderr);
    abort();
}

/* h_abort.c: fails an assertion, which aborts (class abort, with the
 * assertion text kept). */
#include <assert.h>
#include <stdlib.h>

static int check_invariant(int n)
{
    assert(n == 42 && "invariant broken");
    return n;
}

int main(int argc, char **argv)
{
    (void)argv;
    return check_invariant(argc) == 0;
}

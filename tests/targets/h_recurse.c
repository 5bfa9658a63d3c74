/* h_recurse.c: unbounded recursion until the stack guard page (class
 * stack-overflow). */
#include <stdio.h>

static volatile unsigned long sink;

static unsigned long recurse(unsigned long depth)
{
    volatile char pad[256];
    if (depth == (unsigned long)-1) /* never: keeps -Winfinite-recursion quiet */
        return 0;
    pad[0] = (char)depth;
    sink += pad[0];
    return recurse(depth + 1) + pad[0];
}

int main(void)
{
    fprintf(stderr, "h_recurse: descending\n");
    return (int)recurse(0);
}

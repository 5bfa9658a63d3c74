/*
 * static_alloc: one allocation in a statically linked program, which no
 * LD_PRELOAD reaches: under nth=1 it still succeeds (exit 0).
 */
#include <stdlib.h>

int main(void)
{
    void *p = malloc(10);
    free(p);
    return p ? 0 : 1;
}

/* h_retry_malloc.c: does 200 allocations, each retried until it succeeds.
 * Under from=N every retry fails at the same call site forever, the shape
 * of gh-134163 (class unwind-loop); without injection it exits 0. */
#include <stdlib.h>

static void *alloc_retrying(size_t size)
{
    void *p;
    while ((p = malloc(size)) == NULL)
        ; /* "try again": the bug under test */
    return p;
}

int main(void)
{
    for (int i = 0; i < 200; i++)
        free(alloc_retrying(48));
    return 0;
}

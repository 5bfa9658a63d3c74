/* h_malloc_exit1.c: exits 1 with a message when a malloc fails (class
 * error under nth=N), 0 otherwise. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    for (int i = 0; i < 50; i++) {
        void *p = malloc(64);
        if (!p) {
            fprintf(stderr, "h_malloc_exit1: out of memory at allocation %d\n", i + 1);
            return 1;
        }
        free(p);
    }
    return 0;
}

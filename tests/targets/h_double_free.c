/* h_double_free.c: an error path that frees a buffer twice when the
 * second allocation of a pair fails (glibc aborts on it; the shim must
 * too), the bug shape sweeps look for. Exits 0 when nothing fails. */
#include <stdlib.h>
#include <string.h>

/* Allocates a pair of buffers; on failure frees the first, and then its
 * caller's cleanup frees it again. */
static __attribute__((noinline)) int make_pair(char **a, char **b)
{
    *a = malloc(64);
    if (!*a)
        return -1;
    *b = malloc(64);
    if (!*b) {
        free(*a); /* the bug: *a is freed here and by the caller */
        return -1;
    }
    return 0;
}

int main(void)
{
    for (int i = 0; i < 25; i++) {
        char *a = NULL, *b = NULL;
        if (make_pair(&a, &b) < 0) {
            free(a);
            return 1;
        }
        memset(a, 1, 64);
        memset(b, 2, 64);
        free(a);
        free(b);
    }
    return 0;
}

/* array.c: the one grow-by-doubling in the harness. */
#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int pf_array_reserve_(void *vp, size_t *cap, size_t need, size_t size, size_t min)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : min ? min : 1;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size)
        return -1;
    void *old, *grown;
    memcpy(&old, vp, sizeof old); /* VP is the address of any object pointer */
    grown = realloc(old, n * size);
    if (!grown)
        return -1;
    memcpy(vp, &grown, sizeof grown);
    *cap = n;
    return 0;
}

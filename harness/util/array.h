/* array.h: growable arrays. The caller keeps a pointer, a count and a
 * capacity; pf_array_reserve makes room, doubling the capacity. */
#ifndef PF_ARRAY_H
#define PF_ARRAY_H

#include <stddef.h>

/* Makes room for NEED elements in the array V (a pointer lvalue) of
 * capacity CAP (a size_t lvalue): when CAP is short, doubles it (starting
 * from MIN) until it holds NEED and reallocates V. Evaluates to 0, or -1
 * on ENOMEM or overflow with V and CAP unchanged. Not thread-safe. */
#define pf_array_reserve(v, cap, need, min) \
    pf_array_reserve_((void *)&(v), &(cap), (need), sizeof *(v), (min))

/* The function behind pf_array_reserve: *VP is the array's pointer. */
int pf_array_reserve_(void *vp, size_t *cap, size_t need, size_t size, size_t min);

#endif

/* median.h: the median the bench programs print, shared by each of them
 * (each bench program is compiled alone, so this is header-only). */
#ifndef PYFAULT_BENCH_MEDIAN_H
#define PYFAULT_BENCH_MEDIAN_H

#include <stdlib.h>

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of V[0..N), N > 0; sorts V in place. */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif

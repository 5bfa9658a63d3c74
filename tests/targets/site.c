/*
 * site: allocates in turn under two functions, 20 times each, and prints
 * "fail alpha I" / "fail beta I" (1-based per function) for each failure.
 * Run it under site=site_alpha or skip-site=site_alpha. A third function
 * carries the symbol "site_gamma.part.0", the name GCC gives a part it
 * splits off site_gamma: site=site_gamma must match it ("fail gamma I").
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void *site_alpha(size_t n);
__attribute__((noinline)) void *site_beta(size_t n);

__attribute__((noinline)) void *site_alpha(size_t n)
{
    void *p = malloc(n);
    __asm__ volatile("" ::: "memory"); /* keep the frame */
    return p;
}

__attribute__((noinline)) void *site_beta(size_t n)
{
    void *p = malloc(n);
    __asm__ volatile("" ::: "memory");
    return p;
}

/* the symbol name of a compiler-split clone */
__attribute__((noinline)) void *site_gamma_clone(size_t n) __asm__("site_gamma.part.0");
__attribute__((noinline)) void *site_gamma_clone(size_t n)
{
    void *p = malloc(n);
    __asm__ volatile("" ::: "memory");
    return p;
}

int main(void)
{
    int fa[21] = {0}, fb[21] = {0}, fg[4] = {0};
    for (int i = 1; i <= 3; i++) {
        void *g = site_gamma_clone(16);
        fg[i] = g == NULL;
        free(g);
    }
    for (int i = 1; i <= 3; i++)
        if (fg[i])
            printf("fail gamma %d\n", i);
    for (int i = 1; i <= 20; i++) {
        void *a = site_alpha(32);
        void *b = site_beta(32);
        fa[i] = a == NULL;
        fb[i] = b == NULL;
        free(a);
        free(b);
    }
    for (int i = 1; i <= 20; i++) {
        if (fa[i])
            printf("fail alpha %d\n", i);
        if (fb[i])
            printf("fail beta %d\n", i);
    }
    printf("done\n");
    return 0;
}

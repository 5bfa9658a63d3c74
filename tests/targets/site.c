/*
 * site: allocates in turn under two functions, 20 times each, and prints
 * "fail alpha I" / "fail beta I" (1-based per function) for each failure.
 * Run it under site=site_alpha or skip-site=site_alpha.
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

int main(void)
{
    int fa[21] = {0}, fb[21] = {0};
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

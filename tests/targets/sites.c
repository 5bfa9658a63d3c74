/*
 * sites: allocations from known call sites, for the call-site table
 * (sites=PATH). Inside sites_work (the tests filter on site=sites_work):
 * 100 passes of a loop that allocates through site_a, and 20 of one
 * through site_b, both of which allocate through the same helper, grab.
 * So a key one frame deep (grab's call of malloc) sees 1 site, two deep
 * sees 2: site_a's 100 allocations are eligible allocations 1..100,
 * site_b's 101..120. Prints "eligible-ok" at the end.
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void *grab(size_t n);
__attribute__((noinline)) void *site_a(void);
__attribute__((noinline)) void *site_b(void);
__attribute__((noinline)) void sites_work(void);

__attribute__((noinline)) void *grab(size_t n)
{
    void *p = malloc(n);
    __asm__ volatile("" ::: "memory"); /* keep the frame */
    return p;
}

__attribute__((noinline)) void *site_a(void)
{
    void *p = grab(48);
    __asm__ volatile("" ::: "memory");
    return p;
}

__attribute__((noinline)) void *site_b(void)
{
    void *p = grab(64);
    __asm__ volatile("" ::: "memory");
    return p;
}

__attribute__((noinline)) void sites_work(void)
{
    for (int i = 0; i < 100; i++)
        free(site_a());
    for (int i = 0; i < 20; i++)
        free(site_b());
    __asm__ volatile("" ::: "memory");
}

int main(void)
{
    sites_work();
    puts("eligible-ok");
    return 0;
}

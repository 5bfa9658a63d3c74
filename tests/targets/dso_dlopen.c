/*
 * dso_dlopen LIB: opens LIB (libdsoprobe_lib.so, from
 * tests/support/build_dsoprobe.sh) at run time, twice, and has it allocate
 * between mallocs of this program's own:
 *   10 own; dlopen, 20 in LIB, dlclose; 20 own; dlopen, 5 in LIB, dlclose;
 *   10 own
 * then prints "lib failed K", "own failed K" and "eligible E" (what the shim
 * counted eligible from the first to the last of them). Under
 * dso=libdsoprobe_lib.so exactly LIB's 25 are eligible: the filter sees a
 * library loaded after start-up, and forgets it once unloaded.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int own_failed;

static void own(int n)
{
    for (int i = 0; i < n; i++) {
        void *p = malloc(64);
        own_failed += p == NULL;
        free(p);
    }
}

/* Opens LIB, has it make N allocations, closes it: how many failed. */
static int in_lib(const char *lib, int n)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        exit(4);
    }
    int (*churn)(int) = (int (*)(int))dlsym(h, "dsoprobe_lib_churn");
    if (!churn)
        exit(5);
    int failed = churn(n);
    dlclose(h);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    uint64_t (*eligible)(void) = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_eligible");
    if (!eligible)
        return 3;
    uint64_t e0 = eligible();
    own(10);
    int lib_failed = in_lib(argv[1], 20);
    own(10);
    own(10);
    lib_failed += in_lib(argv[1], 5);
    own(10);
    uint64_t e1 = eligible();
    printf("lib failed %d\nown failed %d\neligible %llu\n", lib_failed, own_failed,
           (unsigned long long)(e1 - e0));
    return 0;
}

/* h_setsid.c MARK N [wait]: forks a grandchild (of the harness) that calls
 * setsid, so it leaves the target's process group, and sleeps forever;
 * once it has, makes N allocations and exits 0, or with "wait" sleeps
 * forever too. MARK is only there for a test to find both by argv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    int ready[2];
    if (pipe(ready) < 0)
        return 2;
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        close(ready[0]);
        if (setsid() < 0)
            _exit(3);
        (void)!write(ready[1], "s", 1);
        close(ready[1]);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1)
        return 2;
    long n = strtol(argv[2], NULL, 10);
    for (long i = 0; i < n; i++) {
        char *volatile p = malloc(32);
        if (!p)
            return 1;
        free(p);
    }
    if (argc > 3 && strcmp(argv[3], "wait") == 0)
        for (;;)
            pause();
    return 0;
}

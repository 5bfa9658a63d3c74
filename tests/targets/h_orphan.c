/* h_orphan.c: leaves a sleeping grandchild behind and exits 0; the
 * harness must kill and reap it anyway. Prints the grandchild's pid. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    printf("orphan %d\n", (int)pid);
    fflush(stdout);
    return 0;
}

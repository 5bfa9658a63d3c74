/* h_pause.c: blocks in pause() forever (class hang, blocked). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    fprintf(stderr, "h_pause: waiting\n");
    for (;;)
        pause();
}

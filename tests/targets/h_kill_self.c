/* h_kill_self.c: dies of SIGTERM (class signal). */
#include <signal.h>
#include <unistd.h>

int main(void)
{
    kill(getpid(), SIGTERM);
    pause();
    return 0;
}

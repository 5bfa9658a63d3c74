/* h_exit0.c: allocates a little and exits 0 (class ok). */
#include <stdlib.h>
#include <string.h>

int main(void)
{
    for (int i = 0; i < 20; i++) {
        char *p = malloc(32);
        if (p)
            memset(p, 0, 32);
        free(p);
    }
    return 0;
}

/* h_null_write.c: writes through a null pointer (class segfault). */
#include <stdio.h>

static void write_null(volatile int *p)
{
    *p = 42;
}

int main(void)
{
    fprintf(stderr, "h_null_write: about to write to NULL\n");
    write_null(NULL);
    return 0;
}

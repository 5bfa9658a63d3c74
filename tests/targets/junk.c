/*
 * junk: prints the first byte of fresh malloc'd memory, in hex, from a
 * block that an earlier free released (what a program reading
 * uninitialized memory would see).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *a = malloc(64);
    memset(a, 0x11, 64);
    free(a);
    volatile unsigned char *b = malloc(64);
    printf("%02x\n", b[0]);
    return 0;
}

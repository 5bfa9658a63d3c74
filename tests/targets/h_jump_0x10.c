/* h_jump_0x10.c: calls a function at address 0x10, where nothing is
 * mapped (class segfault): the faulting instruction pointer itself is
 * unreadable, and the crash report must still be written. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) static void jump_away(void)
{
    void (*nowhere)(void) = (void (*)(void))(uintptr_t)0x10;
    nowhere();
    __asm__ volatile("" ::: "memory"); /* keep the frame: no tail call */
}

int main(void)
{
    fprintf(stderr, "h_jump_0x10: calling 0x10\n");
    jump_away();
    return 0;
}

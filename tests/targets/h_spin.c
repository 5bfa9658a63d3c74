/* h_spin.c: spins forever without allocating (class hang, spinning). */
static volatile unsigned long counter;

static void spin(void)
{
    for (;;)
        counter++;
}

int main(void)
{
    spin();
    return 0;
}

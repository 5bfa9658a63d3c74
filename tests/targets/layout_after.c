/*
 * layout_after FILE: twelve allocations, each checked (one that fails is
 * skipped), then a fresh anonymous mapping and a 64 MiB block, whose
 * addresses it appends to FILE in one line after its plan (PYFAULT's
 * first token, "nth=N" or "from=N"): where the kernel places the
 * target's mappings after its allocation points. A forked trial and an
 * exec'd one of the same plan write the same line, the shim's own
 * mappings being kept out of the target's way (injectors/aside.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: layout_after FILE\n", stderr);
        return 2;
    }
    char *keep[12];
    int failed = 0;
    for (int i = 0; i < 12; i++) {
        keep[i] = malloc(100 + 50 * (size_t)i);
        if (keep[i])
            memset(keep[i], 'x', 100);
        else
            failed++;
    }
    void *fresh = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *big = malloc(64 << 20); /* past 32 MiB: a mapping of its own */
    const char *spec = getenv("PYFAULT") ? getenv("PYFAULT") : "";
    char line[256];
    int n = snprintf(line, sizeof line, "%.*s failed %d; fresh mapping at %p; big block at %p\n",
                     (int)strcspn(spec, ","), spec, failed, fresh, (void *)big);
    /* one write to an O_APPEND file: trials side by side never interleave */
    int fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || n <= 0 || write(fd, line, (size_t)n) != n)
        return 3;
    close(fd);
    free(big);
    for (int i = 0; i < 12; i++)
        free(keep[i]);
    return 0;
}

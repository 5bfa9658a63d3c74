/*
 * safemem.c: reading memory that may not be mapped, without faulting (a
 * leaf). The crash handler runs after a fault whose cause may be the very
 * address it would inspect (a jump to unmapped memory leaves the
 * instruction pointer there), and a second fault inside the handler would
 * lose the report.
 *
 * process_vm_readv on our own pid copies through the kernel, which
 * returns EFAULT instead of raising SIGSEGV; a process may always read
 * itself. Where the call is refused (seccomp, an old kernel), mincore
 * says whether the pages are mapped at all. Both are plain system calls:
 * async-signal-safe, no allocation, no /proc/self/maps.
 */
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/* Are the pages of [ADDR, ADDR+LEN) mapped? mincore fails with ENOMEM on
 * any page that is not. */
static bool mapped(uintptr_t addr, size_t len)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = addr & ~(page - 1);
    uintptr_t hi = (addr + len + page - 1) & ~(page - 1);
    unsigned char vec[4];
    if ((hi - lo) / page > sizeof vec)
        return false;
    return mincore((void *)lo, hi - lo, vec) == 0;
}

bool pf_mem_read(void *dst, uintptr_t src, size_t len)
{
    if (src == 0 || src + len < src)
        return false;
    int saved = errno;
    struct iovec local = {dst, len};
    struct iovec remote = {(void *)src, len};
    ssize_t got = process_vm_readv(pf_pid(), &local, 1, &remote, 1, 0);
    bool ok = got == (ssize_t)len;
    if (got < 0 && errno != EFAULT && mapped(src, len)) {
        memcpy(dst, (const void *)src, len);
        ok = true;
    }
    errno = saved;
    return ok;
}

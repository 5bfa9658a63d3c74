/* ctlpage.c: create, map, read and remove the control page file. The
 * page is reused across the trials of one worker: zeroed before each. */
#include "ctlpage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private_file.h"

/* Rounded up to a page so the target may map it whole. */
static size_t ctl_size(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (sizeof(struct pyfault_ctl) + page - 1) / page * page;
}

int pf_ctlpage_create(struct pf_ctlpage *cp, const char *path)
{
    memset(cp, 0, sizeof *cp);
    if (snprintf(cp->path, sizeof cp->path, "%s", path) >= (int)sizeof cp->path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = pf_private_create(path, O_RDWR);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, (off_t)ctl_size()) < 0) {
        int e = errno;
        close(fd);
        unlink(path);
        errno = e;
        return -1;
    }
    void *p = mmap(NULL, ctl_size(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED) {
        unlink(path);
        errno = e;
        return -1;
    }
    cp->ctl = p;
    return 0;
}

void pf_ctlpage_reset(struct pf_ctlpage *cp)
{
    memset(cp->ctl, 0, ctl_size());
}

#define LD64(f) __atomic_load_n(&c->f, __ATOMIC_ACQUIRE)

/* Copies the string field SRC, stopping at its size: a page is not
 * trusted to hold a NUL. */
static void copy_text(char *dst, const volatile char *src, size_t size)
{
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

/* The first failure's site key, once the shim published it (fail_key
 * stored last, with release order). */
static void read_fail_key(const struct pyfault_ctl *c, struct pf_sitekey *k)
{
    k->hash = LD64(fail_key);
    if (!k->hash)
        return;
    k->rel = LD64(fail_rel);
    k->off = LD64(fail_off);
    k->pyline = LD64(fail_pyline);
    copy_text(k->func, c->fail_func, sizeof k->func);
    copy_text(k->obj, c->fail_obj, sizeof k->obj);
    copy_text(k->pyfile, c->fail_pyfile, sizeof k->pyfile);
}

void pf_ctlpage_read(const struct pf_ctlpage *cp, struct pf_ctl_snapshot *out)
{
    const struct pyfault_ctl *c = cp->ctl;
    memset(out, 0, sizeof *out);
    out->owner_pid = LD64(owner_pid);
    out->state = LD64(state);
    /* line 0 (magic, version, owner, state) keeps its layout across
     * versions; the rest is read only when the layout is ours */
    uint32_t version = LD64(version);
    if (LD64(magic) == PYFAULT_CTL_MAGIC && version != 0 && version != PYFAULT_CTL_VERSION) {
        out->foreign_version = version;
        return;
    }
    out->layer = LD64(layer);
    out->allocations = LD64(allocations);
    out->eligible = LD64(eligible);
    out->injected = LD64(injected);
    out->first_injected = LD64(first_injected);
    out->site_streak = LD64(site_streak);
    out->site_streak_max = LD64(site_streak_max);
    out->crash_signal = LD64(crash_signal);
    out->crash_addr = LD64(crash_addr);
    out->crash_stack_overflow = LD64(crash_stack_overflow);
    out->site_depth = LD64(site_depth);
    if (out->site_depth > PYFAULT_CTL_SITE_FRAMES)
        out->site_depth = PYFAULT_CTL_SITE_FRAMES;
    for (unsigned i = 0; i < PYFAULT_CTL_SITE_FRAMES; i++)
        out->site_frames[i] = LD64(site_frames[i]);
    read_fail_key(c, &out->fail);
}

void pf_ctlpage_destroy(struct pf_ctlpage *cp)
{
    if (cp->ctl) {
        munmap(cp->ctl, ctl_size());
        cp->ctl = NULL;
    }
    if (cp->path[0])
        unlink(cp->path);
    cp->path[0] = '\0';
}

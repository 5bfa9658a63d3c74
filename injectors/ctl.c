/*
 * ctl.c: the control page, shared with a supervising process.
 *
 * Without PYFAULT_CTL the counters live in a private static page of the same
 * layout, so the rest of the shim never asks which one it has.
 */
#include "internal.h"

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct pyfault_ctl private_page;
struct pyfault_ctl *pf_page = &private_page;

static void stamp(struct pyfault_ctl *page)
{
    page->magic = PYFAULT_CTL_MAGIC;
    page->version = PYFAULT_CTL_VERSION;
    page->size = sizeof *page;
}

extern char **environ;

static const char *ctl_path(void)
{
    size_t nlen = strlen(PYFAULT_ENV_CTL);
    if (!environ)
        return NULL;
    for (char **e = environ; *e; e++)
        if (strncmp(*e, PYFAULT_ENV_CTL, nlen) == 0 && (*e)[nlen] == '=')
            return (*e)[nlen + 1] ? *e + nlen + 1 : NULL;
    return NULL;
}

void pf_ctl_attach(void)
{
    stamp(&private_page);
    const char *path = ctl_path();
    if (!path)
        return;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        pf_stderr("pyfault: cannot open the control page named by PYFAULT_CTL: ", path);
        return;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(struct pyfault_ctl)) {
        pf_stderr("pyfault: the control page is smaller than struct pyfault_ctl: ", path);
        close(fd);
        return;
    }
    struct pyfault_ctl *page = pf_map_aside(sizeof *page, PROT_READ | PROT_WRITE,
                                            MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED)
        return;
    /* Only the first process claims the page: children exec'd with the same
     * environment must not overwrite their parent's counters. */
    int32_t unclaimed = 0;
    int32_t me = (int32_t)pf_pid();
    if (!__atomic_compare_exchange_n(&page->owner_pid, &unclaimed, me, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
        unclaimed != me) {
        munmap(page, sizeof *page);
        return;
    }
    stamp(page);
    /* The supervisor may have armed a plan before we started. */
    __atomic_or_fetch(&page->state, PYFAULT_STATE_ATTACHED, __ATOMIC_RELEASE);
    pf_page = page;
}

bool pf_ctl_watched(void)
{
    return __atomic_load_n(&pf_page, __ATOMIC_ACQUIRE) != &private_page;
}

void pf_ctl_detach_after_fork(void)
{
    if (pf_page == &private_page)
        return;
    /* Copy the counters as they were at fork time, then forget the page:
     * it describes the parent. */
    memcpy(&private_page, pf_page, sizeof private_page);
    private_page.owner_pid = (int32_t)pf_pid();
    private_page.state = PYFAULT_STATE_ATTACHED;
    __atomic_store_n(&pf_page, &private_page, __ATOMIC_RELEASE);
}

/* The layout the version number stands for (pyfault.h): the plan and the
 * hot counters each on a cache line of its own. */
_Static_assert(offsetof(struct pyfault_ctl, arm_generation) == PYFAULT_CTL_LINE,
               "the plan starts line 1");
_Static_assert(offsetof(struct pyfault_ctl, plan) + sizeof(struct pyfault_plan) <= 2 * PYFAULT_CTL_LINE,
               "the plan fits line 1");
_Static_assert(offsetof(struct pyfault_ctl, allocations) == 2 * PYFAULT_CTL_LINE,
               "the hot counters start line 2");
_Static_assert(offsetof(struct pyfault_ctl, injected) == 3 * PYFAULT_CTL_LINE,
               "the hot counters have line 2 alone");
_Static_assert(offsetof(struct pyfault_ctl, fail_key) % PYFAULT_CTL_LINE == 0,
               "the site key starts a line of its own (4)");
_Static_assert(sizeof(struct pyfault_ctl) <= 4096, "the page is one page");

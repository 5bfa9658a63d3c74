/* sample.c: what is a stuck process doing? One ptrace stop per sample,
 * kept short: unwind, name the frames, let go. */
#include "sample.h"

#include <errno.h>
#include <inttypes.h>
#include <libunwind-ptrace.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

/* One executable mapping of /proc/PID/maps. */
struct map {
    uint64_t lo, hi, off;
    char path[256];
};

#define MAPS_MAX 512

/* Reads the executable mappings of PID. Returns how many. */
static unsigned read_maps(pid_t pid, struct map *m, unsigned max)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    unsigned n = 0;
    if (!f)
        return 0;
    while (n < max && fgets(line, sizeof line, f)) {
        unsigned long long lo, hi, off;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &lo, &hi, perms, &off, &pos) < 4)
            continue;
        if (perms[2] != 'x')
            continue;
        m[n].lo = lo;
        m[n].hi = hi;
        m[n].off = off;
        snprintf(m[n].path, sizeof m[n].path, "%s", pos > 0 ? line + pos : "");
        m[n].path[strcspn(m[n].path, "\n")] = '\0';
        n++;
    }
    fclose(f);
    return n;
}

static const struct map *find_map(const struct map *m, unsigned n, uint64_t ip)
{
    for (unsigned i = 0; i < n; i++)
        if (ip >= m[i].lo && ip < m[i].hi)
            return &m[i];
    return NULL;
}

/* Waits for the ptrace stop of PID. Returns 0 when stopped, -2 when it
 * ended instead (status in *ended). */
static int wait_stop(pid_t pid, int *ended)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (WIFSTOPPED(st))
            return 0;
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (ended)
                *ended = st;
            return -2;
        }
    }
}

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;

/* Unwinds the stopped PID into OUT. Called with sample_lock held. */
static void unwind(pid_t pid, struct pf_frames *out)
{
    static struct map maps[MAPS_MAX]; /* guarded by sample_lock */
    unsigned nmaps = read_maps(pid, maps, MAPS_MAX);
    unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
    if (!as)
        return;
    void *ui = _UPT_create(pid);
    if (!ui) {
        unw_destroy_addr_space(as);
        return;
    }
    unw_cursor_t cur;
    if (unw_init_remote(&cur, as, ui) == 0) {
        do {
            unw_word_t ip = 0, off = 0;
            char name[PF_SYM_MAX + 300];
            unw_get_reg(&cur, UNW_REG_IP, &ip);
            const struct map *m = find_map(maps, nmaps, ip);
            /* libunwind names an address after the nearest symbol below
             * it, whatever that symbol's size: in a stripped binary a
             * static function would borrow a neighbour's name. Trust the
             * name only when it starts where the unwind info says the
             * function starts. */
            unw_proc_info_t pi;
            int have_pi = unw_get_proc_info(&cur, &pi) == 0 && pi.start_ip != 0;
            int named = unw_get_proc_name(&cur, name, sizeof name, &off) == 0 &&
                        (!have_pi || ip - off == pi.start_ip);
            if (!named) {
                /* unnamed: the function's start, object-relative, is stable */
                uint64_t at = have_pi ? (uint64_t)pi.start_ip : (uint64_t)ip;
                const char *base = m ? strrchr(m->path, '/') : NULL;
                if (m)
                    snprintf(name, sizeof name, "%s@0x%" PRIx64,
                             base ? base + 1 : m->path, at - m->lo + m->off);
                else
                    name[0] = '\0';
            }
            if (pf_frames_push(out, ip, name, m ? m->path : "") < 0)
                break;
        } while (unw_step(&cur) > 0);
    }
    _UPT_destroy(ui);
    unw_destroy_addr_space(as);
}

int pf_sample_stack(pid_t pid, struct pf_frames *out, int *ended_status)
{
    out->n = 0;
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
        return -1;
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
        ptrace(PTRACE_DETACH, pid, 0, 0);
        return -1;
    }
    int rc = wait_stop(pid, ended_status);
    if (rc != 0)
        return rc;
    /* the maps buffer is static (too big for a worker's stack) */
    pthread_mutex_lock(&sample_lock);
    unwind(pid, out);
    pthread_mutex_unlock(&sample_lock);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    return 0;
}

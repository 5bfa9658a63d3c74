/* site_plan.c: reads the shim's call-site table ("N 0xKEY" lines) into
 * the sorted, distinct points a site plan sweeps. */
#include "site_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"

int pf_site_plan_create(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts V[0..N) and drops repeats; returns the new length. */
static size_t sort_unique(uint64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_u64);
    size_t out = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[out - 1])
            v[out++] = v[i];
    return out;
}

int pf_site_plan_read(const char *path, uint64_t m, struct pf_site_plan *p,
                      char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    uint64_t *keys = NULL;
    size_t n = 0, cap = 0, kcap = 0;
    char line[128];
    unsigned long lineno = 0;
    int rc = -1;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        uint64_t point, key;
        char tail;
        if (strcmp(line, "full\n") == 0) {
            snprintf(err, errlen, "the counting run met more distinct call sites than the "
                     "shim's table holds; give a smaller --site-depth");
            goto out;
        }
        if (sscanf(line, "%" SCNu64 " 0x%" SCNx64 "%c", &point, &key, &tail) != 3 ||
            tail != '\n' || point == 0) {
            snprintf(err, errlen, "%s:%lu: not a call-site line (N 0xKEY)", path, lineno);
            goto out;
        }
        if (point > m)
            continue; /* a child process's allocation past the parent's count */
        if (pf_array_reserve(p->points, cap, n + 1, 1024) < 0 ||
            pf_array_reserve(keys, kcap, n + 1, 1024) < 0) {
            snprintf(err, errlen, "out of memory reading %s", path);
            goto out;
        }
        p->points[n] = point;
        keys[n] = key;
        n++;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    p->npoints = sort_unique(p->points, n);
    p->keys = sort_unique(keys, n);
    if (p->npoints == 0) {
        snprintf(err, errlen, "the counting run recorded no call site (%s is empty)", path);
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    free(keys);
    if (rc < 0)
        pf_site_plan_free(p);
    return rc;
}

void pf_site_plan_free(struct pf_site_plan *p)
{
    free(p->points);
    p->points = NULL;
    p->npoints = 0;
}

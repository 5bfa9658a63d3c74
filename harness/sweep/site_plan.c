/* site_plan.c: reads the shim's call-site table ("N 0xKEY" lines) into
 * the sorted, distinct points a site plan sweeps, sampled by call site. */
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

/* By point, then key. */
static int cmp_by_point(const void *a, const void *b)
{
    const struct pf_site_point *x = a, *y = b;
    if (x->point != y->point)
        return (x->point > y->point) - (x->point < y->point);
    return (x->key > y->key) - (x->key < y->key);
}

/* By key, then point. */
static int cmp_by_key(const void *a, const void *b)
{
    const struct pf_site_point *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->point > y->point) - (x->point < y->point);
}

/* The index of the first entry of P->by_key not before (KEY, POINT). */
static size_t lower_bound(const struct pf_site_plan *p, uint64_t key, uint64_t point)
{
    struct pf_site_point want = {.key = key, .point = point};
    size_t lo = 0, hi = p->npoints;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_by_key(&p->by_key[mid], &want) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
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

/* The shim's keys end in a multiplication, whose low bits are weak; this
 * finaliser (splitmix64's) spreads every bit of KEY over the result. */
static uint64_t spread(uint64_t key)
{
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9ull;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebull;
    return key ^ (key >> 31);
}

int pf_site_sampled(uint64_t key, const struct pf_site_sample *s)
{
    uint64_t h = spread(key);
    uint64_t stride = s->stride ? s->stride : 1, shards = s->shards ? s->shards : 1;
    uint64_t shard = s->shard ? s->shard : 1;
    return h % stride == 0 && (h / stride) % shards == shard - 1;
}

/* Reads PATH's lines with a point within 1..M into *OUT (malloc'd, *N of
 * them, in the table's order). Returns 0, or -1 with a message in ERR. */
static int read_table(const char *path, uint64_t m, struct pf_site_point **out, size_t *n,
                      char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0;
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
        if (pf_array_reserve(*out, cap, *n + 1, 1024) < 0) {
            snprintf(err, errlen, "out of memory reading %s", path);
            goto out;
        }
        (*out)[(*n)++] = (struct pf_site_point){.key = key, .point = point};
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        goto out;
    }
    rc = 0;
out:
    fclose(f);
    if (rc < 0) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

int pf_site_plan_read(const char *path, uint64_t m, const struct pf_site_sample *s,
                      struct pf_site_plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    struct pf_site_point *lines;
    size_t n;
    if (read_table(path, m, &lines, &n, err, errlen) < 0)
        return -1;
    int rc = -1;
    /* both arrays get N entries (at least one), used or not */
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    p->points = malloc((n ? n : 1) * sizeof *p->points);
    if (!keys || !p->points) {
        snprintf(err, errlen, "out of memory reading %s", path);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        keys[i] = lines[i].key;
        p->points[i] = lines[i].point;
    }
    p->keys = sort_unique(keys, n);
    p->chosen = sort_unique(p->points, n);
    if (p->chosen == 0) {
        snprintf(err, errlen, "the counting run recorded no call site (%s is empty)", path);
        goto out;
    }
    /* the sample, by the sites' keys (a point a child process also wrote
     * has two lines: either key keeps it, and the lesser names it) */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (pf_site_sampled(lines[i].key, s))
            lines[kept++] = lines[i];
    if (kept > 1)
        qsort(lines, kept, sizeof *lines, cmp_by_point);
    p->point_keys = malloc((kept ? kept : 1) * sizeof *p->point_keys);
    p->by_key = malloc((kept ? kept : 1) * sizeof *p->by_key);
    if (!p->point_keys || !p->by_key) {
        snprintf(err, errlen, "out of memory reading %s", path);
        goto out;
    }
    for (size_t i = 0; i < kept; i++)
        if (p->npoints == 0 || p->points[p->npoints - 1] != lines[i].point) {
            p->points[p->npoints] = lines[i].point;
            p->point_keys[p->npoints] = lines[i].key;
            p->by_key[p->npoints++] = lines[i];
        }
    if (p->npoints > 1)
        qsort(p->by_key, p->npoints, sizeof *p->by_key, cmp_by_key);
    rc = 0;
out:
    free(lines);
    free(keys);
    if (rc < 0)
        pf_site_plan_free(p);
    return rc;
}

int pf_site_plan_key(const struct pf_site_plan *p, uint64_t point, uint64_t *key,
                     uint64_t *nth)
{
    const uint64_t *at = p->npoints
        ? bsearch(&point, p->points, p->npoints, sizeof point, cmp_u64) : NULL;
    if (!at)
        return -1;
    *key = p->point_keys[at - p->points];
    *nth = lower_bound(p, *key, point) - lower_bound(p, *key, 0);
    return 0;
}

int pf_site_plan_point(const struct pf_site_plan *p, uint64_t key, uint64_t nth,
                       uint64_t *point)
{
    size_t i = lower_bound(p, key, 0);
    if (nth >= p->npoints - i || p->by_key[i + nth].key != key)
        return -1;
    *point = p->by_key[i + nth].point;
    return 0;
}

void pf_site_plan_free(struct pf_site_plan *p)
{
    free(p->by_key);
    p->by_key = NULL;
    free(p->points);
    free(p->point_keys);
    p->points = NULL;
    p->point_keys = NULL;
    p->npoints = 0;
}

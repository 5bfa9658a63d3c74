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

/* One line of the table: an allocation and its call site. */
struct site_point {
    uint64_t point, key;
};

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
static int read_table(const char *path, uint64_t m, struct site_point **out, size_t *n,
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
        (*out)[(*n)++] = (struct site_point){point, key};
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
    struct site_point *lines;
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
     * has two lines: either key keeps it) */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (pf_site_sampled(lines[i].key, s))
            p->points[kept++] = lines[i].point;
    p->npoints = sort_unique(p->points, kept);
    rc = 0;
out:
    free(lines);
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

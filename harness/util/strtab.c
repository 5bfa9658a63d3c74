/* strtab.c: FNV-1a and linear probing over an array of strdup'd strings. */
#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

void pf_strtab_init(struct pf_strtab *t)
{
    memset(t, 0, sizeof *t);
}

static int rehash(struct pf_strtab *t, size_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t s = fnv1a(t->v[i]) & (nslots - 1);
        while (slots[s])
            s = (s + 1) & (nslots - 1);
        slots[s] = (uint32_t)i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = nslots;
    return 0;
}

long pf_strtab_intern(struct pf_strtab *t, const char *s)
{
    if ((t->n + 1) * 2 > t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 64) < 0)
        return -1;
    size_t h = fnv1a(s) & (t->nslots - 1);
    for (; t->slots[h]; h = (h + 1) & (t->nslots - 1))
        if (strcmp(t->v[t->slots[h] - 1], s) == 0)
            return (long)t->slots[h] - 1;
    if (pf_array_reserve(t->v, t->cap, t->n + 1, 64) < 0)
        return -1;
    char *copy = strdup(s);
    if (!copy)
        return -1;
    t->v[t->n] = copy;
    t->slots[h] = (uint32_t)t->n + 1;
    return (long)t->n++;
}

long pf_strtab_find(const struct pf_strtab *t, const char *s)
{
    if (t->nslots == 0)
        return -1;
    for (size_t h = fnv1a(s) & (t->nslots - 1); t->slots[h]; h = (h + 1) & (t->nslots - 1))
        if (strcmp(t->v[t->slots[h] - 1], s) == 0)
            return (long)t->slots[h] - 1;
    return -1;
}

const char *pf_strtab_get(const struct pf_strtab *t, long i)
{
    return i >= 0 && (size_t)i < t->n ? t->v[i] : "";
}

void pf_strtab_free(struct pf_strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* env.c: environment vectors built before spawning, so nothing between
 * spawn and exec has to allocate. */
#include "env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

extern char **environ;

static int push(struct pf_env *e, char *s)
{
    if (pf_array_reserve(e->v, e->cap, e->n + 2, 64) < 0)
        return -1;
    e->v[e->n++] = s;
    e->v[e->n] = NULL;
    return 0;
}

static int push_dup(struct pf_env *e, const char *s)
{
    char *d = strdup(s);
    if (!d || push(e, d) < 0) {
        free(d);
        return -1;
    }
    return 0;
}

/* An empty vector: {NULL}, so that it can be passed to exec as is. */
static int init_empty(struct pf_env *e)
{
    memset(e, 0, sizeof *e);
    e->v = calloc(64, sizeof *e->v);
    if (!e->v)
        return -1;
    e->cap = 64;
    return 0;
}

int pf_env_init(struct pf_env *e)
{
    if (init_empty(e) < 0)
        return -1;
    for (char **p = environ; p && *p; p++)
        if (push_dup(e, *p) < 0)
            return -1;
    return 0;
}

int pf_env_copy(struct pf_env *dst, const struct pf_env *src)
{
    if (init_empty(dst) < 0)
        return -1;
    for (size_t i = 0; i < src->n; i++)
        if (push_dup(dst, src->v[i]) < 0)
            return -1;
    return 0;
}

static long find(const struct pf_env *e, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < e->n; i++)
        if (strncmp(e->v[i], key, kl) == 0 && e->v[i][kl] == '=')
            return (long)i;
    return -1;
}

const char *pf_env_get(const struct pf_env *e, const char *key)
{
    long i = find(e, key);
    return i < 0 ? NULL : e->v[i] + strlen(key) + 1;
}

int pf_env_set(struct pf_env *e, const char *key, const char *val, int keep)
{
    long i = find(e, key);
    if (i >= 0 && keep)
        return 0;
    char *s;
    if (asprintf(&s, "%s=%s", key, val) < 0)
        return -1;
    if (i >= 0) {
        free(e->v[i]);
        e->v[i] = s;
        return 0;
    }
    if (push(e, s) < 0) {
        free(s);
        return -1;
    }
    return 0;
}

int pf_env_prepend(struct pf_env *e, const char *key, const char *val, char sep)
{
    const char *old = pf_env_get(e, key);
    if (!old || !old[0])
        return pf_env_set(e, key, val, 0);
    char *joined;
    if (asprintf(&joined, "%s%c%s", val, sep, old) < 0)
        return -1;
    int rc = pf_env_set(e, key, joined, 0);
    free(joined);
    return rc;
}

void pf_env_free(struct pf_env *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i]);
    free(e->v);
    memset(e, 0, sizeof *e);
}

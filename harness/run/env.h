/* env.h: a child's environment as a growable "KEY=VALUE" vector. */
#ifndef PF_ENV_H
#define PF_ENV_H

#include <stddef.h>

struct pf_env {
    char **v;   /* NULL-terminated, owned */
    size_t n, cap;
};

/* Copies the harness's own environment. Returns 0, or -1 on ENOMEM. */
int pf_env_init(struct pf_env *e);
/* Copies another vector. Returns 0, or -1 on ENOMEM. */
int pf_env_copy(struct pf_env *dst, const struct pf_env *src);
/* The value of KEY, or NULL. */
const char *pf_env_get(const struct pf_env *e, const char *key);
/* Sets KEY=VAL; when KEEP and KEY is already set, leaves it alone.
 * Returns 0, or -1 on ENOMEM. */
int pf_env_set(struct pf_env *e, const char *key, const char *val, int keep);
/* Puts VAL in front of KEY's list (separated by SEP). Returns 0 or -1. */
int pf_env_prepend(struct pf_env *e, const char *key, const char *val, char sep);
/* Frees the vector. */
void pf_env_free(struct pf_env *e);

#endif

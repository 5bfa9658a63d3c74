/* strtab.h: interned strings: each distinct string stored once, named by
 * a small index (the site keys of a sweep's compact trial records). Not
 * thread-safe. */
#ifndef PF_STRTAB_H
#define PF_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct pf_strtab {
    char **v;           /* v[i]: string i */
    size_t n, cap;
    uint32_t *slots;    /* open addressing: index + 1, 0 = empty */
    size_t nslots;
};

/* Empty table. */
void pf_strtab_init(struct pf_strtab *t);
/* The index of S, added when new. Returns -1 on ENOMEM. */
long pf_strtab_intern(struct pf_strtab *t, const char *s);
/* The index of S, or -1 when it is not in the table. */
long pf_strtab_find(const struct pf_strtab *t, const char *s);
/* String I, or "" when I is out of range (-1: none). */
const char *pf_strtab_get(const struct pf_strtab *t, long i);
/* Frees the table. */
void pf_strtab_free(struct pf_strtab *t);

#endif

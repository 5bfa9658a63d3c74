/* procmaps.h: a process's file mappings, from /proc/PID/maps, and where
 * an address in one of them lies in its ELF file. */
#ifndef PF_PROCMAPS_H
#define PF_PROCMAPS_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One file mapping. */
struct pf_mapping {
    uint64_t start, end; /* [start, end) in the process */
    uint64_t offset;     /* the file offset mapped at start */
    const char *path;    /* into the maps text; not NUL-terminated: path_len */
    size_t path_len;
};

/* The text of /proc/PID/maps (malloc'd, NUL-terminated), or NULL. */
char *pf_procmaps_read(pid_t pid);
/* The file mapping of MAPS (pf_procmaps_read's text) that holds ADDR into
 * *M. Returns 0, or -1 when ADDR is in no mapping of a file. Pure. */
int pf_procmaps_find(const char *maps, uint64_t addr, struct pf_mapping *m);
/* ADDR's link-time address in ELF (the file M maps) into *REL: through
 * the PT_LOAD segment whose file pages M maps, so that any other mapping
 * of the same file elsewhere in the process does not matter. Returns 0,
 * or -1 when no segment holds M's offset. */
int pf_procmaps_link_address(Elf *elf, const struct pf_mapping *m, uint64_t addr, uint64_t *rel);

#endif

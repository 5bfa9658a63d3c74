/* elfsym.h: function names from ELF symbol tables, for addresses in a
 * live process (its /proc/PID/maps) or in a file. Size-checked, unlike
 * libunwind's nearest-symbol-below lookup. */
#ifndef PF_ELFSYM_H
#define PF_ELFSYM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "frames.h"

/* Finds the function of the ELF file PATH that contains the link-time
 * address VADDR (.symtab, else .dynsym); writes its name into NAME and
 * its address into *START. Returns 0, or -1 when none contains it. */
int pf_elf_symbol(const char *path, uint64_t vaddr, char *name, size_t namelen,
                  uint64_t *start);
/* The link-time address of run-time address IP, mapped from file offset
 * OFF at LO in a process, given the file PATH's program headers. Returns
 * 0, or -1 when PATH is not a readable ELF file. */
int pf_elf_vaddr(const char *path, uint64_t lo, uint64_t off, uint64_t ip, uint64_t *vaddr);
/* Symbolizes N return addresses IPS of live process PID into OUT, looking
 * each one up at IP - 1 (the call, not the instruction after it). Frames
 * without a symbol are named "object@0xaddress". Returns how many. */
unsigned pf_symbolize_ips(pid_t pid, const uint64_t *ips, unsigned n, struct pf_frames *out);

#endif

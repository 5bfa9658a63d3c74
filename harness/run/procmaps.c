/* procmaps.c: a process's file mappings, read from /proc/PID/maps. Why
 * not libdw's dwfl_linux_proc_report: it makes one module of every
 * mapping of a file that only anonymous memory separates, so a second,
 * private mapping of an object (the shim maps each object whose symbols
 * it reads, injectors/symtab.c) moved the module's start and every
 * address in the object was named wrongly. */
#include "procmaps.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procenv.h"

char *pf_procmaps_read(pid_t pid)
{
    size_t len;
    return pf_proc_slurp((long)pid, "maps", &len);
}

int pf_procmaps_find(const char *maps, uint64_t addr, struct pf_mapping *m)
{
    for (const char *line = maps; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        uint64_t start, end, offset;
        int path_at = 0;
        /* start-end perms offset dev inode path */
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %n", &start, &end,
                   &offset, &path_at) == 3 && path_at > 0 && (size_t)path_at < len &&
            line[path_at] == '/' && addr >= start && addr < end) {
            m->start = start;
            m->end = end;
            m->offset = offset;
            m->path = line + path_at;
            m->path_len = len - (size_t)path_at;
            return 0;
        }
        line = eol ? eol + 1 : NULL;
    }
    return -1;
}

int pf_procmaps_link_address(Elf *elf, const struct pf_mapping *m, uint64_t addr, uint64_t *rel)
{
    size_t n;
    if (!elf || elf_getphdrnum(elf, &n) != 0)
        return -1;
    const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        /* the segment's pages: mapped from its offset rounded down */
        uint64_t off_page = ph.p_offset & ~(page - 1);
        if (m->offset < off_page || m->offset >= ph.p_offset + ph.p_filesz)
            continue;
        *rel = addr - m->start + m->offset - off_page + (ph.p_vaddr & ~(page - 1));
        return 0;
    }
    return -1;
}

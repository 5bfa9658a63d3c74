/* elfsym.c: a small ELF64 symbol lookup (mmap, program headers for the
 * load bias, then a linear scan of the symbol table). Used for stuck
 * targets only, so simplicity beats caching. */
#include "elfsym.h"

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct image {
    const unsigned char *base;
    size_t size;
};

static int image_open(const char *path, struct image *im)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return -1;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -1;
    im->base = p;
    im->size = (size_t)st.st_size;
    const Elf64_Ehdr *eh = p;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        munmap(p, im->size);
        return -1;
    }
    return 0;
}

static void image_close(struct image *im)
{
    munmap((void *)im->base, im->size);
}

/* Is [off, off + len) inside the image? */
static int in_image(const struct image *im, uint64_t off, uint64_t len)
{
    return off <= im->size && len <= im->size - off;
}

int pf_elf_vaddr(const char *path, uint64_t lo, uint64_t off, uint64_t ip, uint64_t *vaddr)
{
    struct image im;
    if (image_open(path, &im) < 0)
        return -1;
    const Elf64_Ehdr *eh = (const void *)im.base;
    int rc = -1;
    if (in_image(&im, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
        const Elf64_Phdr *ph = (const void *)(im.base + eh->e_phoff);
        for (unsigned i = 0; i < eh->e_phnum; i++) {
            if (ph[i].p_type != PT_LOAD)
                continue;
            uint64_t seg_off = ph[i].p_offset & ~(uint64_t)(ph[i].p_align ? ph[i].p_align - 1 : 0);
            if (off < seg_off || off >= ph[i].p_offset + ph[i].p_filesz)
                continue;
            *vaddr = ip - lo + off - ph[i].p_offset + ph[i].p_vaddr;
            rc = 0;
            break;
        }
    }
    image_close(&im);
    return rc;
}

/* Looks VADDR up in the symbol section SH (with its string table). */
static int lookup(const struct image *im, const Elf64_Shdr *shs, unsigned nsh,
                  const Elf64_Shdr *sh, uint64_t vaddr, char *name, size_t namelen,
                  uint64_t *start)
{
    if (sh->sh_link >= nsh || !in_image(im, sh->sh_offset, sh->sh_size) ||
        sh->sh_entsize != sizeof(Elf64_Sym))
        return -1;
    const Elf64_Shdr *strsh = &shs[sh->sh_link];
    if (!in_image(im, strsh->sh_offset, strsh->sh_size))
        return -1;
    const char *strtab = (const char *)im->base + strsh->sh_offset;
    const Elf64_Sym *syms = (const void *)(im->base + sh->sh_offset);
    size_t n = sh->sh_size / sizeof(Elf64_Sym);
    for (size_t i = 0; i < n; i++) {
        unsigned type = ELF64_ST_TYPE(syms[i].st_info);
        if ((type != STT_FUNC && type != STT_GNU_IFUNC) || syms[i].st_shndx == SHN_UNDEF)
            continue;
        uint64_t lo = syms[i].st_value, size = syms[i].st_size;
        if (vaddr < lo || (size ? vaddr >= lo + size : vaddr != lo))
            continue;
        if (syms[i].st_name >= strsh->sh_size)
            continue;
        snprintf(name, namelen, "%.*s", (int)(strsh->sh_size - syms[i].st_name),
                 strtab + syms[i].st_name);
        *start = lo;
        return 0;
    }
    return -1;
}

int pf_elf_symbol(const char *path, uint64_t vaddr, char *name, size_t namelen,
                  uint64_t *start)
{
    struct image im;
    if (image_open(path, &im) < 0)
        return -1;
    const Elf64_Ehdr *eh = (const void *)im.base;
    int rc = -1;
    if (eh->e_shentsize == sizeof(Elf64_Shdr) &&
        in_image(&im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
        const Elf64_Shdr *shs = (const void *)(im.base + eh->e_shoff);
        /* the full table first; stripped files keep only the dynamic one */
        for (unsigned want = SHT_SYMTAB; rc < 0 && want != 0;
             want = want == SHT_SYMTAB ? SHT_DYNSYM : 0)
            for (unsigned i = 0; rc < 0 && i < eh->e_shnum; i++)
                if (shs[i].sh_type == want)
                    rc = lookup(&im, shs, eh->e_shnum, &shs[i], vaddr, name, namelen, start);
    }
    image_close(&im);
    return rc;
}

unsigned pf_symbolize_ips(pid_t pid, const uint64_t *ips, unsigned n, struct pf_frames *out)
{
    char path[64], line[600];
    out->n = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    for (unsigned i = 0; i < n; i++) {
        uint64_t ip = ips[i] ? ips[i] - 1 : 0;
        char name[PF_SYM_MAX] = "", obj[512] = "";
        FILE *f = fopen(path, "re");
        while (f && fgets(line, sizeof line, f)) {
            unsigned long long lo, hi, off;
            int pos = 0;
            if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &lo, &hi, &off, &pos) < 3 ||
                ip < lo || ip >= hi || pos <= 0)
                continue;
            snprintf(obj, sizeof obj, "%s", line + pos);
            obj[strcspn(obj, "\n")] = '\0';
            uint64_t vaddr, start;
            if (obj[0] == '/' && pf_elf_vaddr(obj, lo, off, ip, &vaddr) == 0 &&
                pf_elf_symbol(obj, vaddr, name, sizeof name, &start) < 0) {
                const char *base = strrchr(obj, '/');
                snprintf(name, sizeof name, "%s@0x%" PRIx64, base + 1, vaddr);
            }
            break;
        }
        if (f)
            fclose(f);
        if (pf_frames_push(out, ips[i], name, obj) < 0)
            break;
    }
    return out->n;
}

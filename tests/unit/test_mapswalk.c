/*
 * test_mapswalk: the shim's /proc/self/maps walker (injectors/mapswalk.c)
 * reads every line as the kernel writes it: on this process's own maps,
 * against a stdio and sscanf reading of the same file, with a mapping of
 * our own anonymous memory and of a file whose name is longer than the
 * path it keeps; and on made-up text whose lines span the walker's reads,
 * with no path, padded, with spaces, without a last newline, and lines no
 * kernel writes, which it skips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define MAX_LINES 4096

/* What a walk saw, in arrays made before it (the walk must not move the
 * maps it reads by allocating). */
struct seen {
    struct pf_maps_line *lines;
    size_t n;
    size_t stop_after; /* 0: never stop */
};

static bool collect(const struct pf_maps_line *line, void *arg)
{
    struct seen *s = arg;
    if (s->n < MAX_LINES)
        s->lines[s->n] = *line;
    s->n++;
    return !(s->stop_after && s->n == s->stop_after);
}

static void seen_init(struct seen *s)
{
    s->lines = calloc(MAX_LINES, sizeof *s->lines);
    assert_non_null(s->lines);
    s->n = 0;
    s->stop_after = 0;
}

/* An fd holding TEXT from its start. */
static int text_fd(const char *text)
{
    int fd = memfd_create("maps", MFD_CLOEXEC);
    assert_true(fd >= 0);
    size_t len = strlen(text);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void assert_line(const struct pf_maps_line *l, uint64_t start, uint64_t end,
                        const char *perms, uint64_t offset, uint64_t inode, const char *path)
{
    assert_int_equal(l->start, start);
    assert_int_equal(l->end, end);
    assert_memory_equal(l->perms, perms, 4);
    assert_int_equal(l->offset, offset);
    assert_int_equal(l->inode, inode);
    assert_string_equal(l->path, path);
    assert_false(l->path_cut);
}

/* Made-up lines of every shape, spanning the walker's reads (of 1 KiB). */
static void test_made_up_text(void **state)
{
    (void)state;
    size_t cap = 1 << 16;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t at = 0;
    /* filler lines until the next one crosses the 4096th byte (each read's
     * end is crossed by one line or another) */
    size_t fillers = 0;
    while (at < 4096 - 30) {
        at += (size_t)sprintf(text + at, "%012zx-%012zx r--p 00000000 00:00 0\n",
                              fillers * 0x1000, fillers * 0x1000 + 0x1000);
        fillers++;
    }
    char long_path[601];
    memset(long_path, 'x', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    at += (size_t)sprintf(text + at,
        "7f0000000000-7f0000021000 r-xp 00002000 fe:01 1234567  /usr/lib/libz.so.1\n"
        "7f0000021000-7f0000022000 rw-p 00000000 00:00 0\n"
        "7f0000022000-7f0000023000 rw-p 00000000 00:00 0                   \n"
        "zz0000023000-7f0000024000 rw-p 00000000 00:00 0\n"
        "7f0000023000-7f0000024000 rw-p 00000000 00:00\n"
        "7f0000024000-7f0000025000 rwxps 00000000 00:00 0\n"
        "7f0000024000-7f0000025000 rw-p 00000000 00:00 12x\n"
        "\n"
        "55550000-55560000 rw-p 00000000 00:00 0          [heap]\n"
        "7ffd0000-7ffd2000 rw-s 00001000 00:05 42         /dev/shm/a b (deleted)\n"
        "7ffe0000-7fff0000 rw-p 00000000 00:00 0          [stack]\n"
        "7fff1000-7fff2000 r--p 00000000 fe:01 77  %s\n"
        "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]",
        long_path);
    int fd = text_fd(text);
    struct seen s;
    seen_init(&s);
    assert_true(pf_maps_walk_fd(fd, collect, &s));
    close(fd);

    assert_int_equal(s.n, fillers + 8);
    for (size_t i = 0; i < fillers; i++)
        assert_line(&s.lines[i], i * 0x1000, i * 0x1000 + 0x1000, "r--p", 0, 0, "");
    const struct pf_maps_line *l = &s.lines[fillers];
    assert_line(&l[0], 0x7f0000000000, 0x7f0000021000, "r-xp", 0x2000, 1234567,
                "/usr/lib/libz.so.1");
    assert_line(&l[1], 0x7f0000021000, 0x7f0000022000, "rw-p", 0, 0, "");
    assert_line(&l[2], 0x7f0000022000, 0x7f0000023000, "rw-p", 0, 0, "");
    assert_line(&l[3], 0x55550000, 0x55560000, "rw-p", 0, 0, "[heap]");
    assert_line(&l[4], 0x7ffd0000, 0x7ffd2000, "rw-s", 0x1000, 42, "/dev/shm/a b (deleted)");
    assert_line(&l[5], 0x7ffe0000, 0x7fff0000, "rw-p", 0, 0, "[stack]");
    assert_true(l[6].path_cut);
    assert_int_equal(strlen(l[6].path), PF_MAPS_PATH - 1);
    assert_memory_equal(l[6].path, long_path, PF_MAPS_PATH - 1);
    assert_line(&l[7], 0xffffffffff600000, 0xffffffffff601000, "--xp", 0, 0, "[vsyscall]");
    free(s.lines);
    free(text);
}

/* A visitor that returns false ends the walk there. */
static void test_visitor_stops_the_walk(void **state)
{
    (void)state;
    int fd = text_fd("1000-2000 r--p 00000000 00:00 0\n"
                     "2000-3000 r--p 00000000 00:00 0\n"
                     "3000-4000 r--p 00000000 00:00 0\n"
                     "4000-5000 r--p 00000000 00:00 0\n");
    struct seen s;
    seen_init(&s);
    s.stop_after = 3;
    assert_false(pf_maps_walk_fd(fd, collect, &s));
    assert_int_equal(s.n, 3);
    assert_int_equal(s.lines[2].start, 0x3000);
    close(fd);
    free(s.lines);
}

/* This process's maps as stdio and sscanf read them (into REF), or -1. */
static long reference_maps(struct pf_maps_line *ref)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return -1;
    char buf[8192];
    long n = 0;
    while (n < MAX_LINES && fgets(buf, sizeof buf, f)) {
        struct pf_maps_line *l = &ref[n++];
        memset(l, 0, sizeof *l);
        int path_at = 0;
        char perms[5];
        if (sscanf(buf, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %*s %" SCNu64 " %n", &l->start,
                   &l->end, perms, &l->offset, &l->inode, &path_at) != 5)
            fail_msg("an unexpected line in /proc/self/maps: %s", buf);
        memcpy(l->perms, perms, 4);
        buf[strcspn(buf, "\n")] = '\0';
        const char *path = path_at ? buf + path_at : "";
        l->path_cut = strlen(path) > PF_MAPS_PATH - 1;
        snprintf(l->path, sizeof l->path, "%s", path);
    }
    fclose(f);
    return n;
}

/* Our own anonymous memory and a file with a name past PF_MAPS_PATH, as
 * the kernel lists them, read the same by the walker and by stdio. */
static void test_own_maps_as_stdio_reads_them(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[1024];
    assert_true(snprintf(dir, sizeof dir, "%s/mapswalk.XXXXXX", tmp) < (int)sizeof dir);
    assert_non_null(mkdtemp(dir));
    /* a path longer than PF_MAPS_PATH: a long directory and a long name
     * (each is at most NAME_MAX) */
    char sub[2048], name[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/%0200d", dir, 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(name, sizeof name, "%s/%0200d", sub, 1);
    int fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4096), 0);
    void *file_map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    assert_true(file_map != MAP_FAILED);
    /* two pages, one made read-only: a range of our own no neighbour
     * merges with */
    char *anon = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(anon != MAP_FAILED);
    assert_int_equal(mprotect(anon + 4096, 4096, PROT_READ), 0);

    struct pf_maps_line *ref = calloc(MAX_LINES, sizeof *ref);
    struct pf_maps_line *again = calloc(MAX_LINES, sizeof *again);
    assert_non_null(ref);
    assert_non_null(again);
    struct seen s;
    seen_init(&s);
    /* stdio may map memory of its own: read until two readings agree */
    long n = -1;
    for (int tries = 0; tries < 5; tries++) {
        n = reference_maps(ref);
        s.n = 0;
        errno = EDOM;
        assert_true(pf_maps_walk(collect, &s));
        assert_int_equal(errno, EDOM);
        if (reference_maps(again) == n && (size_t)n == s.n &&
            memcmp(ref, again, (size_t)n * sizeof *ref) == 0)
            break;
        n = -1;
    }
    assert_true(n > 0);
    bool saw_anon = false, saw_file = false;
    for (long i = 0; i < n; i++) {
        const struct pf_maps_line *w = &s.lines[i], *r = &ref[i];
        assert_int_equal(w->start, r->start);
        assert_int_equal(w->end, r->end);
        assert_memory_equal(w->perms, r->perms, 4);
        assert_int_equal(w->offset, r->offset);
        assert_int_equal(w->inode, r->inode);
        assert_string_equal(w->path, r->path);
        assert_int_equal(w->path_cut, r->path_cut);
        if (w->start == (uintptr_t)anon) {
            saw_anon = true;
            assert_int_equal(w->end, (uintptr_t)anon + 4096);
            assert_memory_equal(w->perms, "rw-p", 4);
            assert_int_equal(w->inode, 0);
        }
        if (w->start == (uintptr_t)file_map) {
            saw_file = true;
            assert_memory_equal(w->perms, "r--s", 4);
            assert_true(w->inode != 0);
            assert_true(w->path_cut);
            assert_memory_equal(w->path, name, PF_MAPS_PATH - 1);
        }
    }
    assert_true(saw_anon);
    assert_true(saw_file);

    munmap(anon, 2 * 4096);
    munmap(file_map, 4096);
    close(fd);
    unlink(name);
    rmdir(sub);
    rmdir(dir);
    free(ref);
    free(again);
    free(s.lines);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_made_up_text),
        cmocka_unit_test(test_visitor_stops_the_walk),
        cmocka_unit_test(test_own_maps_as_stdio_reads_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

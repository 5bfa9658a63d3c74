/*
 * mapswalk.c: the lines of /proc/self/maps, one at a time, without the
 * heap (a leaf). The crash handler's set-up, the fork server's safety
 * check and the forked trial's page copy each need a few fields of each
 * mapping, and two of them run inside the allocation hook, where neither
 * stdio nor malloc may be called.
 *
 * The text is read with read(2) into a small stack buffer and parsed a
 * byte at a time, so a line may span reads and no line buffer is needed:
 * only the path is kept, cut at PF_MAPS_PATH - 1 bytes. A line the kernel would
 * not write (a field that is not a number) is skipped, not guessed at.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The parser's place in a line: "start-end perms offset dev inode path" */
enum field { F_START, F_END, F_PERMS, F_OFFSET, F_DEV, F_INODE, F_GAP, F_PATH, F_BAD };

struct parser {
    struct pf_maps_line line;
    enum field field;
    size_t n; /* characters of the current field so far */
};

static void parser_reset(struct parser *p)
{
    memset(&p->line, 0, sizeof p->line);
    p->field = F_START;
    p->n = 0;
}

/* The value of hex digit C, or -1. */
static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Moves to field NEXT when the current one has at least one character. */
static void advance(struct parser *p, enum field next)
{
    p->field = p->n > 0 ? next : F_BAD;
    p->n = 0;
}

/* Feeds one character C (not a newline) of a line to P. */
static void parser_feed(struct parser *p, char c)
{
    struct pf_maps_line *l = &p->line;
    int d;
    switch (p->field) {
    case F_START:
    case F_END:
    case F_OFFSET:
        if ((p->field == F_START && c == '-') || (p->field != F_START && c == ' ')) {
            advance(p, p->field + 1);
            return;
        }
        d = hex_digit(c);
        if (d < 0) {
            p->field = F_BAD;
            return;
        }
        uint64_t *v = p->field == F_START ? &l->start : p->field == F_END ? &l->end : &l->offset;
        *v = *v << 4 | (uint64_t)d;
        p->n++;
        return;
    case F_PERMS:
        if (c == ' ') {
            p->field = p->n == 4 ? F_OFFSET : F_BAD;
            p->n = 0;
        } else if (p->n < 4) {
            l->perms[p->n++] = c;
        } else {
            p->field = F_BAD;
        }
        return;
    case F_DEV:
        if (c == ' ')
            advance(p, F_INODE);
        else
            p->n++;
        return;
    case F_INODE:
        if (c == ' ') {
            advance(p, F_GAP);
        } else if (c >= '0' && c <= '9') {
            l->inode = l->inode * 10 + (uint64_t)(c - '0');
            p->n++;
        } else {
            p->field = F_BAD;
        }
        return;
    case F_GAP:
        if (c == ' ')
            return;
        /* C is the path's first character */
        p->field = F_PATH;
        __attribute__((fallthrough));
    case F_PATH:
        if (p->n < PF_MAPS_PATH - 1)
            l->path[p->n++] = c;
        else
            l->path_cut = true;
        return;
    case F_BAD:
        return;
    }
}

/* Whether P holds a whole line: every field up to the inode read. */
static bool parser_done(const struct parser *p)
{
    return p->field == F_GAP || p->field == F_PATH || (p->field == F_INODE && p->n > 0);
}

bool pf_maps_walk_fd(int fd, pf_maps_visit visit, void *arg)
{
    /* small: the hook runs on any thread's stack, however small it is */
    char buf[1024];
    struct parser p;
    parser_reset(&p);
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] != '\n') {
                parser_feed(&p, buf[i]);
                continue;
            }
            bool go_on = !parser_done(&p) || visit(&p.line, arg);
            parser_reset(&p);
            if (!go_on)
                return false;
        }
    }
    /* the kernel ends every line; a last one without its newline counts */
    if (parser_done(&p))
        return visit(&p.line, arg);
    return true;
}

bool pf_maps_walk(pf_maps_visit visit, void *arg)
{
    int saved = errno;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errno = saved;
        return true;
    }
    bool whole = pf_maps_walk_fd(fd, visit, arg);
    close(fd);
    errno = saved;
    return whole;
}

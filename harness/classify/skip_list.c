/* skip_list.c: the skip list is a data file; .incbin puts its bytes in
 * .rodata so the harness and its tests need no path to find it. The
 * build (mk/harness.mk) rebuilds this object when the file changes. */
#include "skip_list.h"

#include <fnmatch.h>
#include <string.h>

__asm__(".section .rodata\n"
        ".type pf_skip_frames_text, @object\n"
        "pf_skip_frames_text:\n"
        ".incbin \"harness/classify/skip-frames.txt\"\n"
        ".byte 0\n"
        ".size pf_skip_frames_text, .-pf_skip_frames_text\n"
        ".previous\n");
extern const char pf_skip_frames_text[];

const char *pf_skip_list_default(void)
{
    return pf_skip_frames_text;
}

/* Matches PAT (LEN bytes, not NUL-terminated) against S. */
static int glob_match(const char *pat, size_t len, const char *s)
{
    char buf[256];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, pat, len);
    buf[len] = '\0';
    return fnmatch(buf, s, 0) == 0;
}

int pf_skip_frame(const char *text, const char *sym, const char *obj)
{
    if (!sym || !sym[0])
        return 1;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        const char *line = p;
        p += len + (p[len] == '\n');
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' ||
                           line[len - 1] == '\t'))
            len--;
        if (len == 0 || line[0] == '#')
            continue;
        if (len > 4 && strncmp(line, "obj:", 4) == 0) {
            if (obj && obj[0] && glob_match(line + 4, len - 4, obj))
                return 1;
        } else if (glob_match(line, len, sym)) {
            return 1;
        }
    }
    return 0;
}

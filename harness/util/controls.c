/* controls.c: C0, DEL and C1 found and replaced, so that escape sequences
 * from a target never drive the terminal that reads pyfault's output. */
#include "controls.h"

size_t pf_control_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] == '\0')
        return 0;
    if (p[0] < 0x20 || p[0] == 0x7f)
        return 1;
    /* U+0080..U+009F: 8-bit CSI/OSC to a terminal that honours C1 */
    return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f ? 2 : 0;
}

char *pf_scrub_controls(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        size_t n = pf_control_len(r);
        *w++ = n ? '?' : *r;
        r += n ? n : 1;
    }
    *w = '\0';
    return s;
}

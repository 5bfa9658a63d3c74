/* controls.c: C0, DEL, C1 and the bidirectional formatting characters
 * found and replaced, so that escape sequences from a target never drive
 * the terminal that reads pyfault's output, and an override never makes a
 * report or a CI log show text in another order than it holds. */
#include "controls.h"

size_t pf_control_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] == '\0')
        return 0;
    if (p[0] < 0x20 || p[0] == 0x7f)
        return 1;
    /* U+0080..U+009F: 8-bit CSI/OSC to a terminal that honours C1 */
    if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
        return 2;
    if (p[0] == 0xd8 && p[1] == 0x9c) /* U+061C, the Arabic letter mark */
        return 2;
    if (p[0] != 0xe2 || p[1] == '\0')
        return 0;
    /* U+200E, U+200F marks; U+202A..U+202E embeddings and overrides;
     * U+2066..U+2069 isolates: what a browser, an editor or a CI log
     * viewer reorders text by */
    if (p[1] == 0x80)
        return p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae) ? 3 : 0;
    return p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9 ? 3 : 0;
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

/* utf8.h: is this text UTF-8? jansson takes nothing else, so whatever a
 * results file names must pass here (or be mangled, as captured output is). */
#ifndef PF_UTF8_H
#define PF_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at S (1 to 4), or 0: a stray or
 * missing continuation byte, an overlong form, a surrogate, or a code
 * point past U+10FFFF (what jansson refuses). */
size_t pf_utf8_len(const unsigned char *s);
/* True when all of S is valid UTF-8. */
int pf_utf8_valid(const char *s);

#endif

/* sitekey.h: a failure point's identity beside its number N: the C
 * caller of the failing allocation (function + offset, in its object)
 * and the Python file:line on top, as the shim left them in the control
 * page (pyfault.h, fail_*). Pure. */
#ifndef PF_SITEKEY_H
#define PF_SITEKEY_H

#include <stddef.h>
#include <stdint.h>

#include "pyfault.h"

/* The shim's raw record of one failure's site. */
struct pf_sitekey {
    uint64_t hash;                        /* the --plan sites key; 0 = no key */
    uint64_t rel;                         /* the call less its object's load bias */
    uint32_t off;                         /* the call's offset into func */
    uint32_t pyline;                      /* 0 = no Python part */
    char func[PYFAULT_CTL_NAME_MAX];      /* "" = no symbol covers it */
    char obj[PYFAULT_CTL_NAME_MAX];       /* "" = the executable */
    char pyfile[PYFAULT_CTL_PYFILE_MAX];  /* "" = no Python part */
};

/* Longest text pf_sitekey_text writes, NUL included. */
#define PF_SITEKEY_TEXT_MAX 544

/* The key as text, the same for two builds of one program wherever they
 * live: "[OBJ!]FUNC+0xOFF" (OBJ left out for the executable; "OBJ+0xREL"
 * when no symbol covers the call), then " @ FILE:LINE" for a Python
 * frame, FILE from its "Lib/" on for the standard library (a build's
 * .../Lib/os.py and Debian's /usr/lib/python3.11/os.py are both
 * "Lib/os.py"). "" when K has no key. Returns OUT. */
char *pf_sitekey_text(const struct pf_sitekey *k, char *out, size_t outlen);

#endif

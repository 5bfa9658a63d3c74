/*
 * sitekey_patched: sitekey_vanilla.c with its "patch": one allocation
 * more at start-up (patch_site), before all the others.
 */
#define SITEKEY_EXTRA 1
#include "sitekey_vanilla.c"

/*
 * config.c: the parsed spec and what start-up derived from it (a leaf:
 * every file reads these, init.c alone writes them, once).
 */
#include "internal.h"

struct pyfault_spec pf_spec;
int pf_ready;
int pf_filters_active;
int pf_layer = PYFAULT_LAYER_LIBC;

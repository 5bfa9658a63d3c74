/* version.h: pyfault's version, for --version, pyfault.pc and the Debian
 * package (mk/install.mk reads it from here). */
#ifndef PF_VERSION_H
#define PF_VERSION_H

#define PF_VERSION "0.1.0"

#endif

/* symbolize.h: the harness's one symbolizer. Code addresses become
 * function names, inline frames and file:line through elfutils libdw
 * (Dwfl), with separate debug files found by build-id. Stack samples,
 * crash stacks, failing sites and signatures all go through here; the
 * shim keeps its own allocation-free lookup (injectors/symtab.c). */
#ifndef PF_SYMBOLIZE_H
#define PF_SYMBOLIZE_H

#include <stdint.h>
#include <sys/types.h>

#include "frames.h"

/* The environment variable that replaces the debug-file search path
 * (Dwfl syntax: ":.debug:/usr/lib/debug", the default). */
#define PF_ENV_DEBUGINFO_PATH "PYFAULT_DEBUGINFO_PATH"

/* A frame as the shim logged it: its run-time address IP, its object's
 * PATH and link-time address REL (0 = unknown), and the shim's name SYM. */
struct pf_logged_frame {
    uint64_t ip, rel;
    const char *path, *sym;
};
/* Appends the frames of FRAMES[0..N) to OUT. Each is named from its
 * object's symbols and debug info at REL: inlined functions innermost
 * first, then the function that holds them, each with its file:line where
 * debug info has it (an inlined function defined in a header is marked a
 * helper). REL is a return address, and the call before it is named, but
 * for frame 0 when FIRST_IS_PC (where a signal struck). A stretch no
 * symbol covers becomes "object+0xREL", never a neighbour's name. A frame
 * whose object is not a readable ELF file, or with no REL, keeps SYM and
 * PATH. Each object is looked up once per run of frames in it. Returns
 * OUT->n. Thread-safe; debug info is cached per (path, build-id). */
unsigned pf_symbolize_logged(const struct pf_logged_frame *frames, unsigned n, int first_is_pc,
                             struct pf_frames *out);

/* Symbolizes N run-time addresses IPS of the live (ideally stopped)
 * process PID into OUT, appending. IPS[0] is a program counter when
 * FIRST_IS_PC, every other one a return address. An address outside any
 * file mapping gets a frame with no name. Returns OUT->n. Thread-safe. */
unsigned pf_symbolize_process(pid_t pid, const uint64_t *ips, unsigned n, int first_is_pc,
                              struct pf_frames *out);

/* Drops the cache (debug info of every object). For tests and for a long
 * harness process that wants its memory back. Thread-safe. */
void pf_symbolize_flush(void);

#endif

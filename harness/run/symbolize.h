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

/* Appends the frames of the code at REL, a link-time address of the ELF
 * file PATH, to OUT: inlined functions innermost first, then the function
 * that holds them, each with its file:line where debug info has it (an
 * inlined function defined in a header is marked a helper). When
 * RETURN_ADDR, REL is a return address and the call before it is named.
 * IP is the run-time address the frames record. A stretch no symbol
 * covers becomes "object+0xREL", never a neighbour's name. Returns how
 * many frames were appended (0 when PATH is not a readable ELF file or
 * OUT is full). Thread-safe; debug info is cached per (path, build-id). */
unsigned pf_symbolize_object(const char *path, uint64_t rel, int return_addr,
                             uint64_t ip, struct pf_frames *out);
/* A frame as the shim logged it: its run-time address, its object's path
 * and link-time address (REL, 0 = unknown) and the shim's name for it. */
struct pf_logged_frame {
    uint64_t ip, rel;
    const char *path, *sym;
};
/* Appends FRAMES[0..N) to OUT as pf_symbolize_object would name each in
 * turn, a frame it cannot name keeping the shim's name and path; each
 * object is looked up once per run of frames in it, not once per frame.
 * FIRST_IS_PC: frame 0 is where a signal struck, not a return address.
 * Returns OUT->n. Thread-safe. */
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

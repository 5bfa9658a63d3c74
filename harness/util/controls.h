/* controls.h: the control characters that must not reach a terminal, a
 * CI log or a report from a target's output or a crafted results file,
 * and the bidirectional formatting characters that would reorder what a
 * reader of that log or report sees ("Trojan Source", CVE-2021-42574). */
#ifndef PF_CONTROLS_H
#define PF_CONTROLS_H

#include <stddef.h>

/* The length in bytes of the control character at S: 1 for C0 (0x00-0x1F,
 * tab included) or DEL, 2 for a C1 control (U+0080-U+009F in UTF-8) or
 * U+061C, 3 for a bidirectional mark, embedding, override or isolate
 * (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), else 0. Pure. */
size_t pf_control_len(const char *s);
/* Replaces each control character in S (pf_control_len) with one '?', in
 * place; returns S. Pure. */
char *pf_scrub_controls(char *s);

#endif

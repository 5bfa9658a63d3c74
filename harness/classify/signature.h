/* signature.h: the deduplication key of a trial's outcome. */
#ifndef PF_SIGNATURE_H
#define PF_SIGNATURE_H

#include <stddef.h>

#include "classify.h"
#include "frames.h"

#define PF_SIG_FRAMES 3
#define PF_SIG_MAX 512

/* Writes the signature of verdict V into OUT: for fatal, "fatal: FUNC:
 * MESSAGE"; otherwise the class (and sub-kind) followed by the top
 * PF_SIG_FRAMES frames of FR not matched by SKIP_TEXT (a skip list, see
 * skip_list.h), as "class: f0 < f1 < f2"; inlined header helpers, and a
 * frame of the same function as the one counted above it (a split
 * function's two halves, direct recursion), do not count. An abort's assertion text is kept too. FR may
 * be NULL. Pure. */
void pf_signature(const struct pf_verdict *v, const struct pf_frames *fr,
                  const char *skip_text, char *out, size_t outlen);
/* Writes where the frames pf_signature names are, in the same order and
 * with the same separator: "Python/Python-ast.c:1098 < ..." ("?" for a
 * frame without a source position; "" for fatal or no frames). Not part
 * of the key: lines move between builds. Pure. */
void pf_signature_sources(const struct pf_verdict *v, const struct pf_frames *fr,
                          const char *skip_text, char *out, size_t outlen);

#endif

/* signature.c: class + where. Two trials with the same signature are the
 * same finding. */
#include "signature.h"

#include <stdio.h>
#include <string.h>

#include "controls.h"
#include "skip_list.h"

/* Appends printf output to OUT at *USED, never overflowing. */
static void append(char *out, size_t outlen, size_t *used, const char *s)
{
    size_t n = strlen(s);
    if (*used >= outlen - 1)
        return;
    if (n > outlen - 1 - *used)
        n = outlen - 1 - *used;
    memcpy(out + *used, s, n);
    *used += n;
    out[*used] = '\0';
}

/* The indexes into FR of the frames a signature names, top first: not
 * skipped, not an inlined header helper, not a split function's head.
 * Returns how many (at most PF_SIG_FRAMES). */
static unsigned signature_frames(const struct pf_frames *fr, const char *skip_text, unsigned *at)
{
    unsigned kept = 0;
    for (unsigned i = 0; fr && i < fr->n && kept < PF_SIG_FRAMES; i++) {
        if (pf_skip_frame(skip_text, fr->f[i].sym, fr->f[i].obj))
            continue;
        /* an inlined header helper (Py_DECREF, _PyObject_GC_UNTRACK) is
         * where the compiler put it, not where the bug is */
        if (fr->f[i].helper)
            continue;
        /* a split function (foo.part.0 out of line, its head inlined into
         * the caller or not) is one function, whatever each build split
         * off; debug info names both halves alike. Direct recursion says
         * no more with the name twice either. */
        if (kept > 0 && strcmp(fr->f[i].sym, fr->f[at[kept - 1]].sym) == 0)
            continue;
        at[kept++] = i;
    }
    return kept;
}

void pf_signature(const struct pf_verdict *v, const struct pf_frames *fr,
                  const char *skip_text, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    append(out, outlen, &used, pf_class_name(v->cls));
    if (v->sub != PF_SUB_NONE) {
        append(out, outlen, &used, "/");
        append(out, outlen, &used, pf_subkind_name(v->sub));
    }
    if (v->cls == PF_FATAL) {
        append(out, outlen, &used, ": ");
        if (v->func[0]) {
            append(out, outlen, &used, v->func);
            append(out, outlen, &used, ": ");
        }
        append(out, outlen, &used, v->detail);
        pf_scrub_controls(out);
        return;
    }
    if (v->cls == PF_ABORT && v->detail[0]) {
        append(out, outlen, &used, ": ");
        append(out, outlen, &used, v->detail);
    }
    unsigned at[PF_SIG_FRAMES];
    unsigned n = signature_frames(fr, skip_text, at);
    for (unsigned k = 0; k < n; k++) {
        append(out, outlen, &used, k == 0 ? ": " : " < ");
        append(out, outlen, &used, fr->f[at[k]].sym);
    }
    /* a verdict or symbol from elsewhere than pf_classify: the signature
     * is printed raw to terminals and CI logs */
    pf_scrub_controls(out);
}

void pf_signature_sources(const struct pf_verdict *v, const struct pf_frames *fr,
                          const char *skip_text, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    if (v->cls == PF_FATAL)
        return;
    unsigned at[PF_SIG_FRAMES];
    unsigned n = signature_frames(fr, skip_text, at);
    for (unsigned k = 0; k < n; k++) {
        if (k)
            append(out, outlen, &used, " < ");
        append(out, outlen, &used, fr->f[at[k]].src[0] ? fr->f[at[k]].src : "?");
    }
    pf_scrub_controls(out);
}

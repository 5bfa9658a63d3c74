/* skip_list.h: which frames are not meaningful for a signature. The list
 * itself is data: harness/classify/skip-frames.txt, compiled in. */
#ifndef PF_SKIP_LIST_H
#define PF_SKIP_LIST_H

/* The compiled-in text of harness/classify/skip-frames.txt. */
const char *pf_skip_list_default(void);
/* Does the frame (function SYM, object basename OBJ) match a line of the
 * skip-list TEXT? Unnamed frames (SYM "") always match. Pure. */
int pf_skip_frame(const char *text, const char *sym, const char *obj);

#endif

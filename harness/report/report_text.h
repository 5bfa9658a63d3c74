/* report_text.h: writing data-derived text safely into XML, HTML and
 * Markdown. Everything from results.json goes through one of these. */
#ifndef PF_REPORT_TEXT_H
#define PF_REPORT_TEXT_H

#include <stdio.h>

/* Writes S escaped for XML/HTML text and attribute values (& < > " ');
 * a character outside XML 1.0's Char production (C0 controls but tab, LF
 * and CR; U+FFFE, U+FFFF), DEL, a C1 control or a bidirectional control
 * (pf_control_len) becomes '?', as does each byte of invalid UTF-8
 * (surrogates and overlong forms included). NULL writes nothing. */
void pf_put_xml(FILE *f, const char *s);
/* Writes S for a Markdown table cell or list line: one line, with | ` * _
 * [ ] < > & \ escaped so the text renders as written; line breaks and tabs
 * become ' ', other controls (pf_control_len: C0, DEL, C1, bidi) '?'. */
void pf_put_md(FILE *f, const char *s);
/* Writes S as one Markdown code span (line breaks and tabs become spaces,
 * other controls '?'; the fence is longer than any run of backticks in S). */
void pf_put_md_span(FILE *f, const char *s);
/* Writes S as a fenced Markdown code block whose fence S cannot close;
 * newlines and tabs kept, other controls '?'. */
void pf_put_md_code(FILE *f, const char *s);

/* S for a terminal or a log: each control character (C0, DEL, C1, bidi) a
 * '?', so a results.json's text cannot move the cursor, retitle a window
 * or reorder a line. */
void pf_put_plain(FILE *f, const char *s);

#endif

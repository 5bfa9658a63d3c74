/* report_text.h: writing data-derived text safely into XML, HTML and
 * Markdown. Everything from results.json goes through one of these. */
#ifndef PF_REPORT_TEXT_H
#define PF_REPORT_TEXT_H

#include <stdio.h>

/* Writes S escaped for XML/HTML text and attribute values (& < > " ');
 * drops control characters XML 1.0 forbids, and bytes of invalid UTF-8
 * become '?'. NULL writes nothing. */
void pf_put_xml(FILE *f, const char *s);
/* Writes S for a Markdown table cell or list line: one line, with | ` * _
 * [ ] < > & \ escaped so the text renders as written. */
void pf_put_md(FILE *f, const char *s);
/* Writes S as one Markdown code span (newlines become spaces; the fence
 * is longer than any run of backticks in S). */
void pf_put_md_span(FILE *f, const char *s);
/* Writes S as a fenced Markdown code block whose fence S cannot close. */
void pf_put_md_code(FILE *f, const char *s);

#endif

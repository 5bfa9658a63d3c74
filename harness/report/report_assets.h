/* report_assets.h: the stylesheet and script inlined into index.html (no
 * network, works from file://). */
#ifndef PF_REPORT_ASSETS_H
#define PF_REPORT_ASSETS_H

/* The page's CSS. */
extern const char pf_report_css[];
/* The page's JavaScript: sortable tables, filters, copy buttons. */
extern const char pf_report_js[];

#endif

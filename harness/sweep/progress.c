/* progress.c: done/total, trials per second, ETA and counts per class;
 * redrawn every 200 ms on a terminal, a plain line every 5 s otherwise. */
#include "progress.h"

#include <stdio.h>
#include <string.h>

#define LIVE_EVERY_MS 200
#define PLAIN_EVERY_MS 5000

void pf_progress_init(struct pf_progress *p, int mode)
{
    memset(p, 0, sizeof *p);
    p->mode = mode;
}

void pf_progress_format(const struct pf_progress_counts *c, uint64_t elapsed_ms,
                        char *out, size_t outlen)
{
    uint64_t ran = c->done > c->journaled ? c->done - c->journaled : 0;
    double rate = elapsed_ms ? (double)ran * 1000.0 / (double)elapsed_ms : 0;
    int used = snprintf(out, outlen, "%llu/%llu trials, %.1f/s",
                        (unsigned long long)c->done, (unsigned long long)c->total, rate);
    if (rate > 0 && c->total >= c->done && used > 0 && (size_t)used < outlen) {
        unsigned long long eta = (unsigned long long)((double)(c->total - c->done) / rate);
        used += snprintf(out + used, outlen - (size_t)used, ", ETA %llu:%02llu",
                         eta / 60, eta % 60);
    }
    for (int k = 0; k < PF_CLASS_COUNT && used > 0 && (size_t)used < outlen; k++)
        if (c->counts[k])
            used += snprintf(out + used, outlen - (size_t)used, ", %s %llu",
                             pf_class_name((enum pf_class)k),
                             (unsigned long long)c->counts[k]);
}

void pf_progress_update(struct pf_progress *p, const struct pf_progress_counts *c,
                        uint64_t elapsed_ms, int final)
{
    if (p->mode == 0)
        return;
    uint64_t every = p->mode == 1 ? LIVE_EVERY_MS : PLAIN_EVERY_MS;
    if (!final && p->printed && elapsed_ms - p->last_ms < every)
        return;
    if (!final && !p->printed && p->mode == 2 && elapsed_ms < every)
        return;
    char line[512];
    pf_progress_format(c, elapsed_ms, line, sizeof line);
    if (p->mode == 1)
        fprintf(stderr, "\r\033[Ksweep: %s%s", line, final ? "\n" : "");
    else
        fprintf(stderr, "sweep: %s\n", line);
    fflush(stderr);
    p->last_ms = elapsed_ms;
    p->printed = 1;
}

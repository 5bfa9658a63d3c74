/*
 * fuzz_results: libFuzzer target for the results.json reader that gate,
 * merge, report and repro share (harness/results/report_model.c:
 * pf_results_load), given the input as a file. A file it accepts goes on
 * to what every reader does next: the totals check, the gate's judgement
 * against a baseline made from it and against none, its text and JUnit.
 * The same file is also read as a gate baseline (pf_baseline_load).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "gate.h"
#include "report_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fd = -1;
static char path[64];
static FILE *devnull;

static void judge(const struct pf_baseline *b, const struct pf_results *r, int allow)
{
    struct pf_gate g;
    if (pf_gate_judge(b, r, allow, &g) < 0)
        return;
    pf_gate_print(devnull, r, &g, "base.json", b->n);
    pf_gate_junit(devnull, r, &g);
    pf_gate_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        fd = memfd_create("fuzz-results", 0);
        devnull = fopen("/dev/null", "w");
        if (fd < 0 || !devnull)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    char err[1024];
    struct pf_results r;
    if (pf_results_load(&r, path, err, sizeof err) == 0) {
        (void)pf_results_check_totals(&r, err, sizeof err);
        struct pf_baseline own, none = {NULL, 0};
        if (pf_baseline_from_results(&own, &r) == 0) {
            judge(&own, &r, 0);
            pf_baseline_free(&own);
        }
        judge(&none, &r, 1);
        pf_results_free(&r);
    } else if (!memchr(err, '\0', sizeof err) || strchr(err, '\n')) {
        abort(); /* one terminated line */
    }
    struct pf_baseline b;
    if (pf_baseline_load(&b, path, err, sizeof err) == 0)
        pf_baseline_free(&b);
    else if (!memchr(err, '\0', sizeof err) || strchr(err, '\n'))
        abort();
    return 0;
}

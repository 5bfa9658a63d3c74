/*
 * fuzz_journal: libFuzzer target for the reader of a sweep's journal
 * (harness/sweep/journal.c), which `pyfault sweep --resume` trusts to
 * rebuild a sweep: the input is a whole journal, parsed as
 * pf_journal_load parses it, then once more for its trials as
 * pf_journal_trials does, every trial handed over checked for what the
 * sweep relies on. An error must be one terminated line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "forkserver.h"
#include "journal.h"
#include "options.h"
#include "supervise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What pf_sweep_preload takes for granted. */
static int check_trial(void *arg, const struct pf_journal_trial *t, char *err, size_t errlen)
{
    (void)arg;
    (void)err;
    (void)errlen;
    if (!t->signature || !t->repro || !t->stderr_tail || !t->error ||
        t->target >= PF_JOURNAL_MAX_TARGETS || t->point == 0 ||
        (t->mode != PF_MODE_ONESHOT && t->mode != PF_MODE_PERSISTENT) ||
        t->cls >= PF_CLASS_COUNT || t->sub > PF_SUB_SPINNING || t->signal > 255 ||
        t->exit_code < -1 || t->exit_code > 255 || t->engine > PF_FORKSRV_EXEC_OTHER ||
        t->stop >= PF_STOP_INTERRUPTED)
        abort();
    return 0;
}

static void one_line(const char *err, size_t len)
{
    if (!memchr(err, '\0', len) || strchr(err, '\n') || !err[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pf_journal_head h, again; /* 4 KB+ of targets: off the stack */
    char err[1024];
    memset(&h, 0, sizeof h);
    if (pf_journal_parse((const char *)data, size, &h, NULL, NULL, err, sizeof err) < 0) {
        one_line(err, sizeof err);
    } else {
        if (h.good_len > size || !h.cwd || !h.argv || h.argv[h.argc])
            abort();
        memset(&again, 0, sizeof again);
        again.argv = h.argv; /* known: line 1 is passed over */
        if (pf_journal_parse((const char *)data, size, &again, check_trial, NULL, err,
                             sizeof err) < 0)
            abort(); /* the same bytes read well once */
        if (again.good_len != h.good_len)
            abort();
    }
    pf_journal_head_free(&h);
    return 0;
}

/*
 * events.c: the records of the event log (format in pyfault.h).
 */
#include "internal.h"

#include <unistd.h>

static void begin(struct pf_buf *b, const char *event)
{
    b->len = 0;
    pf_buf_str(b, "{\"event\":\"");
    pf_buf_str(b, event);
    pf_buf_str(b, "\",\"pid\":");
    pf_buf_i64(b, (int64_t)getpid());
}

void pf_event_start(void)
{
    if (!pf_log_enabled())
        return;
    struct pf_buf b;
    extern char **environ;
    const char *spec = "";
    for (char **e = environ; e && *e; e++)
        if ((*e)[0] == 'P' && __builtin_strncmp(*e, PYFAULT_ENV_SPEC "=", sizeof PYFAULT_ENV_SPEC) == 0)
            spec = *e + sizeof PYFAULT_ENV_SPEC;
    begin(&b, "start");
    pf_buf_str(&b, ",\"spec\":");
    pf_buf_json_str(&b, spec);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_fail(uint64_t n, size_t size, enum pf_func func,
                   const uintptr_t *ips, int nips)
{
    struct pf_buf b;
    begin(&b, "fail");
    pf_buf_str(&b, ",\"n\":");
    pf_buf_u64(&b, n);
    pf_buf_str(&b, ",\"size\":");
    pf_buf_u64(&b, size);
    pf_buf_str(&b, ",\"func\":\"");
    pf_buf_str(&b, pf_func_name(func));
    pf_buf_str(&b, "\"");
    pf_buf_frames(&b, ips, nips);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_summary(void)
{
    if (!pf_log_enabled())
        return;
    struct pyfault_ctl *page = pf_page;
    struct pf_buf b;
    begin(&b, "summary");
    pf_buf_str(&b, ",\"layer\":");
    pf_buf_json_str(&b, pyfault_layer_name((unsigned)pf_layer));
    pf_buf_str(&b, ",\"allocations\":");
    pf_buf_u64(&b, __atomic_load_n(&page->allocations, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"eligible\":");
    pf_buf_u64(&b, __atomic_load_n(&page->eligible, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"injected\":");
    pf_buf_u64(&b, __atomic_load_n(&page->injected, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"first\":");
    pf_buf_u64(&b, __atomic_load_n(&page->first_injected, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"streak_max\":");
    pf_buf_u64(&b, __atomic_load_n(&page->site_streak_max, __ATOMIC_RELAXED));
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

/*
 * sitedata.c: the static objects a stack works on, for site keys with
 * the sites-data flag.
 *
 * A call-site key cannot tell the passes of a loop apart: CPython's
 * start-up readies some sixty static exception types through one call
 * path, and only the pass for MemoryError crashes when it fails (the
 * error path uses the half-ready type). What differs between the passes
 * is the object: the loop's frames hold &_PyExc_MemoryError in a
 * callee-saved register. So the key also takes, from each of its frames,
 * the callee-saved registers that point at the first byte of a data
 * symbol, normalised per object like the return addresses. Interior
 * pointers (a cursor into a table, a field of _PyRuntime) and heap
 * pointers are left out: they would split one pass into many keys, or
 * differ between runs.
 */
#define UNW_LOCAL_ONLY
#include "internal.h"

#include <libunwind.h>

#if defined(__x86_64__)
static const int saved_regs[] = {UNW_X86_64_RBX, UNW_X86_64_RBP, UNW_X86_64_R12,
                                 UNW_X86_64_R13, UNW_X86_64_R14, UNW_X86_64_R15};
#elif defined(__aarch64__)
static const int saved_regs[] = {UNW_AARCH64_X19, UNW_AARCH64_X20, UNW_AARCH64_X21,
                                 UNW_AARCH64_X22, UNW_AARCH64_X23, UNW_AARCH64_X24,
                                 UNW_AARCH64_X25, UNW_AARCH64_X26, UNW_AARCH64_X27,
                                 UNW_AARCH64_X28};
#else
#error "sites-data: the callee-saved registers of this architecture are not listed"
#endif

#define NSAVED (sizeof saved_regs / sizeof saved_regs[0])

uint64_t pf_sitedata_context(int depth)
{
    unw_context_t uc;
    unw_cursor_t c;
    if (unw_getcontext(&uc) < 0 || unw_init_local(&c, &uc) < 0)
        return 0;
    uint64_t h = 0;
    int frame = 0;
    while (frame < depth && unw_step(&c) > 0) {
        unw_word_t ip;
        if (unw_get_reg(&c, UNW_REG_IP, &ip) < 0 || pf_ip_in_shim(ip))
            continue;
        for (size_t r = 0; r < NSAVED; r++) {
            unw_word_t v;
            uint64_t obj;
            uintptr_t rel;
            if (unw_get_reg(&c, saved_regs[r], &v) == 0 && v &&
                pf_symtab_data_start(v, &obj, &rel))
                h = pf_hash_mix(h, pf_hash_mix(pf_hash_mix(obj, rel), (uint64_t)frame * NSAVED + r));
        }
        frame++;
    }
    return h;
}

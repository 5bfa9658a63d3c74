/*
 * fuzz_spec: libFuzzer target for the shim's spec parser
 * (injectors/spec.c: pyfault_spec_parse), the grammar the shim reads from
 * PYFAULT inside its first malloc and the harness checks --inject with.
 * A parsed spec's plan is asked about a few allocation numbers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pyfault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the spec is a C string (an environment variable): up to its NUL */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct pyfault_spec spec;
    /* error buffers of every size the callers use, and a tiny one */
    static const size_t errlens[] = {0, 1, 7, 256};
    for (size_t k = 0; k < sizeof errlens / sizeof *errlens; k++) {
        char err[256];
        if (pyfault_spec_parse(text, &spec, err, errlens[k]) == 0) {
            static const uint64_t ns[] = {0, 1, 2, 7, 64, 1000, UINT64_MAX};
            for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
                (void)pyfault_plan_fails(&spec.plan, ns[i]);
            (void)pyfault_layer_name(spec.layer);
        } else if (errlens[k] > 0 && !memchr(err, '\0', errlens[k])) {
            abort(); /* the message must be terminated inside ERR */
        }
    }
    free(text);
    return 0;
}

/*
 * fuzz_scenario: libFuzzer target for the scenario-header parser
 * (harness/matrix/scenario.c: pf_scenario_parse), given the first 16 KB
 * of a file as pf_scenario_load reads them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    size_t n = size < 16383 ? size : 16383; /* pf_scenario_load's buffer */
    memcpy(text, data, n);
    text[n] = '\0';
    static struct pf_scenario s; /* 8 KB+: off the stack */
    char err[512];
    if (pf_scenario_parse("fuzz.py", text, &s, err, sizeof err) == 0) {
        (void)pf_scenario_expected(&s, "3.11-vanilla");
        (void)pf_scenario_expected(&s, "system");
        (void)pf_plan_kind_name(s.plan);
        for (int i = 0; i < s.nexpect; i++)
            (void)pf_scenario_expected(&s, s.expect[i].variant);
    } else if (!memchr(err, '\0', sizeof err)) {
        abort();
    }
    free(text);
    return 0;
}

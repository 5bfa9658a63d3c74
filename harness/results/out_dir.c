/* out_dir.c: a script named results.json in the --out folder, or a --json
 * that names the program run, was overwritten with exit 0: every output
 * name is compared with every input before the run starts. */
#include "out_dir.h"

#include <stdio.h>

#include "journal.h"
#include "same_file.h"

/* Every file a sweep, matrix or pytest run writes in its --out folder. */
static const char *const out_names[] = {"results.json", PF_JOURNAL_NAME, "junit.xml", "summary.md",
                                        "index.html"};

int pf_out_dir_check_inputs(const char *dir, const char *const *inputs, size_t n, char *err,
                            size_t errlen)
{
    for (size_t i = 0; i < sizeof out_names / sizeof out_names[0]; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%.4000s/%s", dir, out_names[i]);
        if (pf_same_file_any(path, inputs, n)) {
            snprintf(err, errlen, "%s is both an input and an output", path);
            return -1;
        }
    }
    return 0;
}

int pf_out_file_check_inputs(const char *path, const char *const *inputs, size_t n, char *err,
                             size_t errlen)
{
    if (!pf_same_file_any(path, inputs, n))
        return 0;
    snprintf(err, errlen, "%.4000s is both an input and the output", path);
    return -1;
}

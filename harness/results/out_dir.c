/* out_dir.c: a script named results.json in the --out folder, or a --json
 * that names the program run, was overwritten with exit 0: every output
 * name is compared with every input before the run starts. */
#include "out_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
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

int pf_out_dir_make(const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "--out %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "--out %s: not a directory", dir);
        return -1;
    }
    /* before the run, not after it: a read-only folder fails at once */
    if (access(dir, W_OK) < 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    /* nor would its results.json be refused only after the run */
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%.4000s/results.json", dir);
    return pf_atomic_check(path, err, errlen);
}

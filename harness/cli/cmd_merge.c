/* cmd_merge.c: "pyfault merge A.json B.json ... -o OUT.json". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "merge.h"

static const char usage[] =
    "usage: pyfault merge A.json B.json ... -o OUT.json\n"
    "Merges the results.json of shards (--shard I/N) run on several machines into\n"
    "the file the unsharded run writes: every trial, findings deduplicated by\n"
    "class and signature (counts added, first repro = lowest point), cells and\n"
    "summary summed. Refuses shards of other interpreter binaries (sha256) or\n"
    "scenario sets, the same shard twice, and overlapping trials.\n"
    "  -o, --output OUT.json   written atomically (temp file + rename)\n"
    "Then: pyfault report DIR (with OUT.json as DIR/results.json).\n"
    "Exit status: 0, or 2 for bad usage or files that cannot be merged.\n";

int pf_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    size_t n = 0;
    if (!in) {
        fprintf(stderr, "pyfault merge: out of memory\n");
        return 2;
    }
    int rc = 2;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            rc = 0;
            goto done;
        }
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "pyfault merge: %s needs a file name\n", a);
                goto done;
            }
            out = argv[++i];
        } else if (strncmp(a, "--output=", 9) == 0) {
            out = a + 9;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pyfault merge: unknown option '%s' (see pyfault merge --help)\n", a);
            goto done;
        } else {
            in[n++] = a;
        }
    }
    if (!out || !*out) {
        fprintf(stderr, "pyfault merge: missing -o OUT.json\n");
        goto done;
    }
    if (n < 2) {
        fprintf(stderr, "pyfault merge: needs at least two shard files (got %zu)\n", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(in[i], out) == 0) {
            fprintf(stderr, "pyfault merge: %s is both an input and the output\n", out);
            goto done;
        }
    struct pf_results *s = calloc(n, sizeof *s);
    if (!s) {
        fprintf(stderr, "pyfault merge: out of memory\n");
        goto done;
    }
    char err[1024];
    size_t loaded = 0;
    for (; loaded < n; loaded++)
        if (pf_results_load(&s[loaded], in[loaded], err, sizeof err) < 0) {
            fprintf(stderr, "pyfault merge: %s\n", err);
            goto free_shards;
        }
    json_t *merged = pf_merge(s, in, n, err, sizeof err);
    if (!merged) {
        fprintf(stderr, "pyfault merge: %s\n", err);
        goto free_shards;
    }
    if (pf_merge_write(out, merged, err, sizeof err) < 0)
        fprintf(stderr, "pyfault merge: %s\n", err);
    else
        rc = 0;
    json_decref(merged);
free_shards:
    for (size_t i = 0; i < loaded; i++)
        pf_results_free(&s[i]);
    free(s);
done:
    free(in);
    return rc;
}

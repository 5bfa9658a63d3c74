/* cmd_merge.c: "pyfault merge A.json B.json ... -o OUT.json". */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "merge.h"
#include "optparse.h"
#include "out_dir.h"

enum { M_OUTPUT, M_ANY_INPUT };

static const struct pf_opt opts[] = {
    {M_OUTPUT, "output", 'o', "OUT.json", "written atomically (temp file + rename)"},
    {M_ANY_INPUT, "any-input", 0, NULL, "merge even when an input file has another sha256 in\n"
                                        "another shard (one the target writes); the first\n"
                                        "such file is said, the first shard's sha256 kept"},
    {0},
};

struct merge_args {
    const char *out;
    const char **in;             /* argc + 1 of them */
    size_t n;
    int any_input;               /* --any-input */
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct merge_args *m = dst;
    (void)err;
    (void)errlen;
    if (a->key == M_OUTPUT)
        m->out = a->val;
    else if (a->key == M_ANY_INPUT)
        m->any_input = 1;
    else
        m->in[m->n++] = a->val;
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct merge_args *m = dst;
    if (!m->out) {
        snprintf(err, errlen, "missing -o OUT.json");
        return -1;
    }
    if (m->n < 2) {
        snprintf(err, errlen, "needs at least two shard files (got %zu)", m->n);
        return -1;
    }
    /* by inode too, as gate: -o ./A.json or a link to A.json would lose A */
    return pf_out_file_check_inputs(m->out, m->in, m->n, err, errlen);
}

static const struct pf_cli cli = {
    .name = "merge",
    .usage =
        "usage: pyfault merge A.json B.json ... -o OUT.json [--any-input]\n"
        "Merges the results.json of shards (--shard I/N) run on several machines into\n"
        "the file the unsharded run writes: every trial, findings deduplicated by\n"
        "class and signature (counts added, first repro = lowest point), cells and\n"
        "summary summed. Refuses shards of other interpreter binaries (sha256),\n"
        "scenario sets or accepted classes (--accept), the same shard twice,\n"
        "overlapping trials, and an input file (a target's or scenario's \"files\")\n"
        "with another sha256 in another shard: a script edited between shards\n"
        "(--any-input merges them). A shard without \"files\" (older) is not\n"
        "compared; the merge keeps them all.\n"
        "Refuses shards whose counting runs disagree on a target or cell: another\n"
        "allocation count M (point N would be another allocation in each), layer,\n"
        "plan kind or site plan. A sweep's merged targets are the unsharded run's\n"
        "(first_point, step, points_within_m rebuilt; shard 1/1). Shards may differ\n"
        "in timeout and counting-run timing.\n",
    .opts = opts,
    .epilog = "Then: pyfault report DIR (with OUT.json as DIR/results.json).\n"
              "Exit status: 0, or 2 for bad usage or files that cannot be merged.\n",
    .take = take,
    .check = check,
};

int pf_cmd_merge(int argc, char **argv)
{
    struct merge_args a = {NULL, calloc((size_t)argc + 1, sizeof *a.in), 0, 0};
    int rc = 2;
    if (!a.in) {
        fprintf(stderr, "pyfault merge: out of memory\n");
        return 2;
    }
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0) {
        rc = quit;
        goto done;
    }
    const char *out = a.out, **in = a.in;
    size_t n = a.n;
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
    struct pf_merge_opts mo = {.any_input = a.any_input};
    struct pf_merged merged;
    if (pf_merge(s, in, n, &mo, &merged, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault merge: %s\n", err);
        goto free_shards;
    }
    if (mo.said[0])
        fprintf(stderr, "pyfault merge: %s; merged anyway (--any-input)\n", mo.said);
    if (pf_merge_write(out, &merged, err, sizeof err) < 0)
        fprintf(stderr, "pyfault merge: %s\n", err);
    else
        rc = 0;
    pf_merged_free(&merged);
free_shards:
    for (size_t i = 0; i < loaded; i++)
        pf_results_free(&s[i]);
    free(s);
done:
    free(a.in);
    return rc;
}

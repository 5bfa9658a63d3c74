/* cmd_gate.c: "pyfault gate": the CI regression gate over a results.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "cmd.h"
#include "gate.h"
#include "optparse.h"

enum { G_BASELINE, G_UPDATE, G_JUNIT };

static const struct pf_opt opts[] = {
    {G_BASELINE, "baseline", 0, "BASE.json", "the known findings (missing: exit 2, unless\n"
                                             "--update-baseline creates it)"},
    {G_UPDATE, "update-baseline", 0, NULL, "after judging, write RESULTS' findings to BASE\n"
                                           "atomically (temp file + rename): accept them"},
    {G_JUNIT, "junit", 0, "FILE", "the verdict as JUnit XML: a testcase per cell and\n"
                                  "per finding, failed when violated / new"},
    {0},
};

struct gate_args {
    const char *base, *results, *junit;
    int update;
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct gate_args *g = dst;
    switch (a->key) {
    case PF_ARG_WORD:
        if (g->results) {
            snprintf(err, errlen, "one RESULTS.json only (got '%s' and '%s')", g->results, a->val);
            return -1;
        }
        g->results = a->val;
        return 0;
    case G_BASELINE:
        g->base = a->val;
        return 0;
    case G_UPDATE:
        g->update = 1;
        return 0;
    case G_JUNIT:
        g->junit = a->val;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct gate_args *g = dst;
    if (g->base && g->results)
        return 0;
    snprintf(err, errlen, "needs --baseline BASE.json and RESULTS.json");
    return -1;
}

static const struct pf_cli cli = {
    .name = "gate",
    .usage =
        "usage: pyfault gate --baseline BASE.json RESULTS.json [--update-baseline] [--junit FILE]\n"
        "Fails a CI job on what is new: exits 1 when RESULTS has a finding (class +\n"
        "signature) that BASE does not know, or a cell with trials its scenario does\n"
        "not expect; each is listed with its class, signature and repro command.\n"
        "BASE is a baseline file (--update-baseline writes one) or any results.json.\n"
        "ok findings are never new.\n",
    .opts = opts,
    .epilog = "Exit status: 0 pass, 1 new findings or violated expectations (judged\n"
              "against BASE as it was), 2 bad usage or an unreadable/invalid file.\n",
    .take = take,
    .check = check,
};

static int write_junit(const char *path, const struct pf_results *r, const struct pf_gate *g,
                       char *err, size_t errlen)
{
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    pf_gate_junit(af.f, r, g);
    return pf_atomic_commit(&af, err, errlen);
}

int pf_cmd_gate(int argc, char **argv)
{
    struct gate_args a = {0};
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0)
        return quit;
    const char *base = a.base, *results = a.results, *junit = a.junit;
    int update = a.update;
    char err[1024];
    struct pf_results r;
    struct pf_baseline b;
    if (pf_results_load(&r, results, err, sizeof err) < 0)
        return pf_cli_fail(&cli, "%s", err);
    if (pf_baseline_load(&b, base, err, sizeof err) < 0) {
        /* a first --update-baseline starts from nothing */
        FILE *probe = fopen(base, "r");
        int missing = !probe && errno == ENOENT;
        if (probe)
            fclose(probe);
        if (!(update && missing)) {
            if (missing)
                fprintf(stderr, "pyfault gate: %s: no such baseline file\n", base);
            else
                fprintf(stderr, "pyfault gate: %s\n", err);
            pf_results_free(&r);
            return 2;
        }
    }
    struct pf_gate g;
    int status = 2;
    if (pf_gate_judge(&b, &r, &g) < 0) {
        fprintf(stderr, "pyfault gate: out of memory\n");
        goto out;
    }
    pf_gate_print(stdout, &r, &g, base, b.n);
    fflush(stdout);
    if (junit && write_junit(junit, &r, &g, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault gate: %s\n", err);
        goto out_gate;
    }
    if (update) {
        if (pf_baseline_write(base, &r, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault gate: %s\n", err);
            goto out_gate;
        }
        size_t kept = 0;
        for (size_t i = 0; i < r.n_findings; i++)
            kept += r.findings[i].cls != PF_OK;
        printf("gate: baseline %s written: %zu findings\n", base, kept);
    }
    status = pf_gate_passed(&g) ? 0 : 1;
out_gate:
    pf_gate_free(&g);
out:
    pf_baseline_free(&b);
    pf_results_free(&r);
    return status;
}

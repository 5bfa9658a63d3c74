/* cmd_gate.c: "pyfault gate": the CI regression gate over a results.json. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "cmd.h"
#include "gate.h"

static const char usage[] =
    "usage: pyfault gate --baseline BASE.json RESULTS.json [--update-baseline] [--junit FILE]\n"
    "Fails a CI job on what is new: exits 1 when RESULTS has a finding (class +\n"
    "signature) that BASE does not know, or a cell with trials its scenario does\n"
    "not expect; each is listed with its class, signature and repro command.\n"
    "BASE is a baseline file (--update-baseline writes one) or any results.json.\n"
    "ok findings are never new.\n"
    "  --baseline BASE.json  the known findings (missing: exit 2, unless\n"
    "                        --update-baseline creates it)\n"
    "  --update-baseline     after judging, write RESULTS' findings to BASE\n"
    "                        atomically (temp file + rename): accept them\n"
    "  --junit FILE          the verdict as JUnit XML: a testcase per cell and\n"
    "                        per finding, failed when violated / new\n"
    "Exit status: 0 pass, 1 new findings or violated expectations (judged\n"
    "against BASE as it was), 2 bad usage or an unreadable/invalid file.\n";

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
    const char *base = NULL, *results = NULL, *junit = NULL;
    int update = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--baseline") == 0 || strcmp(a, "--junit") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                fprintf(stderr, "pyfault gate: %s needs a file name\n", a);
                return 2;
            }
            *(a[2] == 'b' ? &base : &junit) = argv[++i];
        } else if (strcmp(a, "--update-baseline") == 0) {
            update = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pyfault gate: unknown option '%s' (see pyfault gate --help)\n", a);
            return 2;
        } else if (results) {
            fprintf(stderr, "pyfault gate: one RESULTS.json only (got '%s' and '%s')\n", results, a);
            return 2;
        } else {
            results = a;
        }
    }
    if (!base || !results) {
        fprintf(stderr, "pyfault gate: needs --baseline BASE.json and RESULTS.json\n");
        return 2;
    }
    char err[1024];
    struct pf_results r;
    struct pf_baseline b;
    if (pf_results_load(&r, results, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault gate: %s\n", err);
        return 2;
    }
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

/* cmd_repro.c: "pyfault repro RESULTS.json ID": trial ID again, the same
 * way, and whether its class came back. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "interrupt.h"
#include "replay.h"
#include "repro_gdb.h"
#include "repro_plan.h"
#include "tmpdir.h"
#include "trial.h"

static const char usage[] =
    "usage: pyfault repro RESULTS.json ID [--times K] [--gdb | --gdb-batch]\n"
    "Re-runs trial ID (its index in RESULTS' trials) exactly: the same interpreter\n"
    "binary, scenario, injection spec, environment and timeout, and says whether\n"
    "its class came back.\n"
    "  --times K     run it K times and report how many reproduced (reliability)\n"
    "  --gdb         start gdb on the trial, stopped at the first injected\n"
    "                failure (breakpoint pyfault_injected_failure)\n"
    "  --gdb-batch   the same without a prompt: print the backtrace there and\n"
    "                kill the target (CI logs)\n"
    "Exit status: 0 the class reproduced on every run, 1 not on every run,\n"
    "2 bad usage or input; with --gdb, gdb's status.\n";

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    *out = strtoul(s, &end, 10);
    return *end || *out > max ? -1 : 0;
}

int pf_cmd_repro(int argc, char **argv)
{
    const char *path = NULL, *idtext = NULL;
    unsigned long times = 1, id = 0;
    int gdb = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--times") == 0) {
            if (i + 1 >= argc || parse_count(argv[i + 1], 100000, &times) < 0 || times == 0) {
                fprintf(stderr, "pyfault repro: --times needs a count from 1 to 100000\n");
                return 2;
            }
            i++;
        } else if (strcmp(a, "--gdb") == 0) {
            gdb = 1;
        } else if (strcmp(a, "--gdb-batch") == 0) {
            gdb = 2;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pyfault repro: unknown option '%s' (see pyfault repro --help)\n", a);
            return 2;
        } else if (!path) {
            path = a;
        } else if (!idtext) {
            idtext = a;
        } else {
            fprintf(stderr, "pyfault repro: unexpected argument '%s'\n", a);
            return 2;
        }
    }
    if (!path || !idtext) {
        fprintf(stderr, "pyfault repro: needs RESULTS.json and a trial ID\n");
        return 2;
    }
    if (parse_count(idtext, 1ul << 40, &id) < 0) {
        fprintf(stderr, "pyfault repro: trial ID '%s': expected an index into trials (0, 1, ...)\n", idtext);
        return 2;
    }
    char err[1024];
    struct pf_results r;
    if (pf_results_load(&r, path, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", err);
        return 2;
    }
    int status = 2;
    struct pf_repro_plan p;
    struct pf_context ctx;
    struct pf_target t;
    struct pf_scenario sc;
    struct pf_runner *run = NULL;
    struct pf_result *res = NULL;
    int have_ctx = 0, have_t = 0;
    char dir[4096] = "";
    if (pf_repro_plan(&r, id, &p, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s: %s\n", path, err);
        pf_results_free(&r);
        return 2;
    }
    if (pf_context_init(&ctx, p.timeout_s, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", err);
        goto out;
    }
    have_ctx = 1;
    if (pf_tmpdir_create(dir, sizeof dir) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", dir);
        dir[0] = '\0';
        goto out;
    }
    int rc = p.argv ? pf_target_command(&t, (int)p.argc, (char *const *)p.argv, err, sizeof err)
                    : pf_replay_target(&ctx, p.python, p.scenario, dir, &t, &sc, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "pyfault repro: %s\n", err);
        goto out;
    }
    have_t = 1;
    printf("trial %lu: %s on %s, spec '%s', timeout %gs: was %s (%s)\n", id, p.scenario,
           p.python, p.spec, p.timeout_s, pf_class_name(p.cls), p.signature);
    fflush(stdout);
    if (gdb) {
        status = pf_repro_gdb(&ctx, &t, p.spec, gdb == 2, err, sizeof err);
        if (status < 0) {
            fprintf(stderr, "pyfault repro: %s\n", err);
            status = 2;
        }
        goto out;
    }
    run = calloc(1, sizeof *run);
    res = calloc(1, sizeof *res);
    if (!run || !res || pf_runner_init(run, dir, 0, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", run && res ? err : "out of memory");
        goto out;
    }
    pf_interrupt_install();
    unsigned long same = 0, same_sig = 0, done = 0;
    for (; done < times && !pf_interrupted; done++) {
        pf_trial_run(&ctx, run, &t, p.spec, res);
        if (pf_interrupted)
            break;
        int hit = res->v.cls == p.cls;
        same += (unsigned long)hit;
        same_sig += (unsigned long)(hit && strcmp(res->signature, p.signature) == 0);
        if (times == 1 || !hit)
            printf("run %lu: %s%s%s, %llu ms: %s\n", done + 1, pf_class_name(res->v.cls),
                   res->v.sub ? "/" : "", pf_subkind_name(res->v.sub),
                   (unsigned long long)res->duration_ms, res->signature);
    }
    pf_runner_free(run);
    if (pf_interrupted) {
        fprintf(stderr, "pyfault repro: interrupted after %lu runs\n", done);
        status = 130;
        goto out;
    }
    printf("reproduced: %lu of %lu run%s gave %s (%lu with the same signature)\n", same, done,
           done == 1 ? "" : "s", pf_class_name(p.cls), same_sig);
    printf("repro: %s\n", res->repro);
    status = same == done ? 0 : 1;
out:
    free(run);
    free(res);
    if (have_t)
        pf_target_free(&t);
    if (dir[0])
        pf_tmpdir_remove(dir);
    if (have_ctx)
        pf_context_free(&ctx);
    pf_repro_plan_free(&p);
    pf_results_free(&r);
    return status;
}

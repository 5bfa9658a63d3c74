/* cmd_repro.c: "pyfault repro RESULTS.json ID": trial ID again, the same
 * way, and whether its class came back. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "interrupt.h"
#include "optparse.h"
#include "replay.h"
#include "report_text.h"
#include "repro_check.h"
#include "repro_gdb.h"
#include "repro_plan.h"
#include "tmpdir.h"
#include "trial.h"

enum { P_TIMES, P_GDB, P_GDB_BATCH, P_ANY_INTERP, P_ANY_INPUT };

static const struct pf_opt opts[] = {
    {P_TIMES, "times", 0, "K", "run it K times and report how many reproduced (reliability)"},
    {P_GDB, "gdb", 0, NULL, "start gdb on the trial, stopped at the first injected\n"
                            "failure (breakpoint pyfault_injected_failure)"},
    {P_GDB_BATCH, "gdb-batch", 0, NULL, "the same without a prompt: print the backtrace there and\n"
                                        "kill the target (CI logs)"},
    {P_ANY_INTERP, "any-interpreter", 0, NULL, "replay even when the interpreter (or command) binary\n"
                                               "changed since the sweep (a rebuilt ./python: is it fixed?)"},
    {P_ANY_INPUT, "any-input", 0, NULL, "replay even when a file the trial ran (its script or\n"
                                        "scenario) changed since the sweep (an edited script: is it\n"
                                        "fixed?); a file gone is refused all the same"},
    {0},
};

struct repro_args {
    const char *path, *idtext;
    uint64_t id, times;
    int gdb;                     /* 1 --gdb, 2 --gdb-batch */
    int any_interp;              /* --any-interpreter */
    int any_input;               /* --any-input */
};

/* --gdb (MODE 1) or --gdb-batch (2) into R. Returns 0, or -1 with ERR
 * when the other came too: one session cannot both prompt and not. */
static int take_gdb(struct repro_args *r, int mode, char *err, size_t errlen)
{
    if (r->gdb && r->gdb != mode) {
        snprintf(err, errlen, "--gdb and --gdb-batch are alternatives: give one");
        return -1;
    }
    r->gdb = mode;
    return 0;
}

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct repro_args *r = dst;
    switch (a->key) {
    case PF_ARG_WORD:
        if (!r->path) {
            r->path = a->val;
        } else if (!r->idtext) {
            r->idtext = a->val;
        } else {
            snprintf(err, errlen, "unexpected argument '%s'", a->val);
            return -1;
        }
        return 0;
    case P_TIMES:
        return pf_opt_count(a->name, a->val, 1, 100000, &r->times, err, errlen);
    case P_GDB:
    case P_GDB_BATCH:
        return take_gdb(r, a->key == P_GDB ? 1 : 2, err, errlen);
    case P_ANY_INTERP:
        r->any_interp = 1;
        return 0;
    case P_ANY_INPUT:
        r->any_input = 1;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    struct repro_args *r = dst;
    if (!r->path || !r->idtext) {
        snprintf(err, errlen, "needs RESULTS.json and a trial ID");
        return -1;
    }
    if (pf_parse_whole(r->idtext, 0, &r->id) < 0 || r->id > (1ull << 40)) {
        snprintf(err, errlen, "trial ID '%s': expected an index into trials (0, 1, ...)", r->idtext);
        return -1;
    }
    return 0;
}

static const struct pf_cli cli = {
    .name = "repro",
    .usage =
        "usage: pyfault repro RESULTS.json ID [--times K] [--gdb | --gdb-batch]\n"
        "                     [--any-interpreter] [--any-input]\n"
        "Re-runs trial ID (its index in RESULTS' trials) exactly: the same interpreter\n"
        "binary and input files (script, scenario: their sha256 checked), injection\n"
        "spec, environment and timeout, in the folder the trials ran in, and says\n"
        "whether its class came back.\n",
    .opts = opts,
    .epilog = "Exit status: 0 the class reproduced on every run, 1 not on every run,\n"
              "2 bad usage or input (a spec that does not parse or names log=, sites=\n"
              "or fork-fd=), the folder or an input file gone, the binary changed\n"
              "(without --any-interpreter) or an input file changed (without\n"
              "--any-input); with --gdb, gdb's status.\n",
    .take = take,
    .check = check,
};

/* Goes where the trials of R (file PATH) ran and checks IN, their binary,
 * and FILES, their input files, are the ones they ran (A's --any-interpreter,
 * --any-input: a changed one is only told). Returns 0, or -1 after one
 * line on stderr. An older file without "cwd" runs here, said. */
static int same_place(const struct pf_results *r, const char *path, const struct pf_rinterp *in,
                      const json_t *files, const struct repro_args *a)
{
    char err[1024];
    int rc = pf_repro_enter_cwd(r, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "pyfault repro: %s\n", err);
        return -1;
    }
    if (rc == 1)
        fprintf(stderr, "pyfault repro: %s does not record the folder its trials ran in: "
                        "running in the current one\n", path);
    rc = pf_repro_same_binary(in, err, sizeof err);
    if (rc < 0 || (rc == 1 && !a->any_interp)) {
        fprintf(stderr, "pyfault repro: %s%s\n", err,
                rc == 1 ? " (--any-interpreter replays on it anyway)" : "");
        return -1;
    }
    if (rc == 1)
        fprintf(stderr, "pyfault repro: %s; replaying on it (--any-interpreter)\n", err);
    rc = pf_repro_same_inputs(files, err, sizeof err);
    if (rc < 0 || (rc == 1 && !a->any_input)) {
        fprintf(stderr, "pyfault repro: %s%s\n", err,
                rc == 1 ? " (--any-input replays it anyway)" : "");
        return -1;
    }
    if (rc == 1)
        fprintf(stderr, "pyfault repro: %s; replaying it (--any-input)\n", err);
    return 0;
}

int pf_cmd_repro(int argc, char **argv)
{
    struct repro_args a = {.times = 1};
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0)
        return quit;
    const char *path = a.path;
    unsigned long times = (unsigned long)a.times, id = (unsigned long)a.id;
    int gdb = a.gdb;
    char err[1024];
    struct pf_results r;
    if (pf_results_load(&r, path, err, sizeof err) < 0)
        return pf_cli_fail(&cli, "%s", err);
    int status = 2;
    struct pf_repro_plan p;
    struct pf_context ctx;
    struct pf_target t;
    struct pf_scenario sc;
    struct pf_runner *run = NULL;
    struct pf_result *res = NULL;
    int have_ctx = 0, have_t = 0;
    char dir[4096] = "";
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    if (pf_repro_plan(&r, id, &p, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s: %s\n", path, err);
        pf_results_free(&r);
        return 2;
    }
    if (same_place(&r, path, &r.interps[r.trials[id].interp], p.files, &a) < 0)
        goto out;
    if (pf_context_init(&ctx, p.timeout_s, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", err);
        goto out;
    }
    have_ctx = 1;
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
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
    /* from results.json, which anyone may have written: no control
     * character reaches the terminal */
    printf("trial %lu: ", id);
    pf_put_plain(stdout, p.scenario);
    fputs(" on ", stdout);
    pf_put_plain(stdout, p.python);
    fputs(", spec '", stdout);
    pf_put_plain(stdout, p.spec);
    printf("', timeout %gs: was %s (", p.timeout_s, pf_class_name(p.cls));
    pf_put_plain(stdout, p.signature);
    fputs(")\n", stdout);
    fflush(stdout);
    run = calloc(1, sizeof *run);
    res = calloc(1, sizeof *res);
    if (!run || !res || pf_runner_init(run, dir, 0, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault repro: %s\n", run && res ? err : "out of memory");
        goto out;
    }
    if (gdb) {
        /* the trial's PYFAULT (its log, its length), its control page and,
         * through the shim, its streams in place of gdb's terminal */
        struct pf_trial_log log;
        char spec[sizeof p.spec + sizeof ",trial-stdio"];
        snprintf(spec, sizeof spec, "%s%strial-stdio", p.spec, p.spec[0] ? "," : "");
        status = pf_trial_begin(&ctx, run, &t, spec, res, &log) < 0 ? -1
                 : pf_repro_gdb(&ctx, &t, res->spec, run->ctl.path, gdb == 2, err, sizeof err);
        if (status < 0) {
            fprintf(stderr, "pyfault repro: %s\n", res->error[0] ? res->error : err);
            status = 2;
        }
        pf_runner_free(run);
        goto out;
    }
    pf_interrupt_install();
    unsigned long same = 0, same_sig = 0, same_site = 0, done = 0;
    for (; done < times && !pf_interrupted; done++) {
        pf_trial_run(&ctx, run, &t, p.spec, res);
        if (pf_interrupted)
            break;
        int hit = res->v.cls == p.cls;
        same += (unsigned long)hit;
        same_sig += (unsigned long)(hit && strcmp(res->signature, p.signature) == 0);
        same_site += (unsigned long)(strcmp(res->site_key, p.site_key) == 0);
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
    if (p.site_key[0])
        printf("site: %s: %lu of %lu run%s failed there first\n", p.site_key, same_site, done,
               done == 1 ? "" : "s");
    char line[sizeof res->repro + 4200];
    pf_repro_line_in(r.cwd, res->repro, line, sizeof line);
    printf("repro: %s\n", line);
    status = same == done ? 0 : 1;
out:
    free(run);
    free(res);
    if (have_t)
        pf_target_free(&t);
    if (dir[0])
        pf_tmpdir_release(dir, &jan);
    if (have_ctx)
        pf_context_free(&ctx);
    pf_repro_plan_free(&p);
    pf_results_free(&r);
    return status;
}

/* cmd_run.c: "pyfault run": one trial, a human summary, optional JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "cmd.h"
#include "interp.h"
#include "interrupt.h"
#include "options.h"
#include "out_dir.h"
#include "pyfault.h"
#include "result_json.h"
#include "tmpdir.h"
#include "trial.h"

#define RUN_DEFAULT_TIMEOUT 30.0

static void print_summary(const struct pf_result *res)
{
    printf("class: %s%s%s\n", pf_class_name(res->v.cls), res->v.sub ? "/" : "",
           pf_subkind_name(res->v.sub));
    printf("signature: %s\n", res->signature);
    if (res->v.cls == PF_HARNESS_ERROR) {
        printf("error: %s\n", res->error);
        return;
    }
    if (res->signal)
        printf("ended: signal %d (SIG%s) after %llu ms\n", res->signal,
               sigabbrev_np(res->signal) ? sigabbrev_np(res->signal) : "?",
               (unsigned long long)res->duration_ms);
    else if (res->exit_code >= 0)
        printf("ended: exit %d after %llu ms\n", res->exit_code,
               (unsigned long long)res->duration_ms);
    else
        printf("stopped: after %llu ms%s (cpu %.0f%%)\n", (unsigned long long)res->duration_ms,
               res->stop == PF_STOP_LOOP ? ", unwind loop seen on the control page" : ", timeout",
               res->cpu * 100);
    if (res->crash_tid > 0)
        printf("crashed in: thread %d \"%s\"%s\n", res->crash_tid, res->crash_thread,
               res->crash_main_thread ? " (the main thread)" : " (not the main thread)");
    printf("allocations: %llu, injected: %llu (first at %llu), longest same-site streak: %llu\n",
           (unsigned long long)res->allocations, (unsigned long long)res->injected,
           (unsigned long long)res->first_injected, (unsigned long long)res->site_streak_max);
    if (res->v.cls == PF_FATAL)
        printf("fatal: %s%s%s\n", res->v.func, res->v.func[0] ? ": " : "", res->v.detail);
    if (res->v.cls == PF_ABORT && res->v.detail[0])
        printf("assertion: %s\n", res->v.detail);
    printf("repro: %s\n", res->repro);
}

/* None of the files the trial writes (--json, and the spec's log= and
 * sites=) is one it reads: `run --json s.py s.py` replaced the scenario
 * with its own result. Returns 0, or -1 with a one-line message in ERR. */
static int check_outputs(const struct pf_options *o, const struct pf_target *t, char *err,
                         size_t errlen)
{
    const char **inputs = calloc((size_t)t->argc + 1, sizeof *inputs);
    if (!inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t n = pf_target_inputs(t, inputs, (size_t)t->argc + 1);
    struct pyfault_spec spec;
    char why[256];
    int parsed = o->inject && pyfault_spec_parse(o->inject, &spec, why, sizeof why) == 0;
    const char *outputs[] = {o->json_path, parsed ? spec.log_path : NULL,
                             parsed ? spec.sites_path : NULL};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof outputs / sizeof outputs[0]; i++)
        if (outputs[i] && outputs[i][0])
            rc = pf_out_file_check_inputs(outputs[i], inputs, n, err, errlen);
    free(inputs);
    return rc;
}

int pf_cmd_run(int argc, char **argv)
{
    struct pf_options o;
    char err[512];
    int quit = pf_options_args(PF_CMD_RUN, argc, argv, &o);
    if (quit >= 0)
        return quit;
    /* a --json the writer would refuse is refused before the trial */
    if (o.json_path && pf_atomic_check(o.json_path, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        return 2;
    }
    struct pf_target t;
    int rc = o.command ? pf_target_command(&t, o.ncommand, o.command, err, sizeof err)
                       : pf_target_scenario(&t, o.python, o.scenarios[0], err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        return 2;
    }
    if (check_outputs(&o, &t, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        pf_target_free(&t);
        return 2;
    }
    /* as matrix --interp: /bin/true would "pass" the scenario */
    char version[64];
    if (!o.command &&
        pf_interp_check_python("--python", t.exe, version, sizeof version, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        pf_target_free(&t);
        return 2;
    }
    struct pf_context ctx;
    if (pf_context_init(&ctx, o.timeout_s > 0 ? o.timeout_s : RUN_DEFAULT_TIMEOUT, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        pf_target_free(&t);
        return 2;
    }
    ctx.want_samples = PF_SAMPLES_ALWAYS; /* its --json shows every stop's stacks */
    char dir[4096];
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
        fprintf(stderr, "pyfault run: %s\n", dir);
        pf_context_free(&ctx);
        pf_target_free(&t);
        return 2;
    }
    int status = 2;
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    if (!r || !res) {
        fprintf(stderr, "pyfault run: out of memory\n");
        goto out;
    }
    if (pf_runner_init(r, dir, 0, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault run: %s\n", err);
        goto out;
    }
    pf_interrupt_install();
    pf_trial_run(&ctx, r, &t, o.inject ? o.inject : "", res);
    pf_runner_free(r);

    if (!o.quiet)
        print_summary(res);
    if (o.json_path) {
        json_t *j = pf_result_json(res);
        if (j)
            json_object_set_new(j, "address_layout", json_string(pf_layout_name(ctx.layout)));
        if (!j || pf_json_write_atomic(o.json_path, j, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault run: %s\n", j ? err : "cannot build the JSON result");
            json_decref(j);
            goto out;
        }
        json_decref(j);
    }
    /* a static or setuid program runs without the shim: its class says
     * nothing about the spec, which was never applied, so it is no verdict
     * (sweep refuses such a target too) */
    int detached = !pf_interrupted && res->v.cls != PF_HARNESS_ERROR && !res->attached;
    if (detached)
        fprintf(stderr, "pyfault run: the shim did not attach to %s (a static or setuid "
                "program?): nothing was counted or injected\n", pf_target_label(&t));
    if (pf_interrupted)
        status = 130;
    else if (detached)
        status = 2;
    else if (res->v.cls == PF_HARNESS_ERROR) {
        fprintf(stderr, "pyfault run: %s\n", res->error);
        status = 2;
    } else
        status = (o.accept_mask & (1u << res->v.cls)) ? 0 : 1;
out:
    free(r);
    free(res);
    pf_tmpdir_release(dir, &jan);
    pf_context_free(&ctx);
    pf_target_free(&t);
    return status;
}

/* trial.c: spawn -> supervise -> read the event log -> classify ->
 * signature. The only place that turns raw observations into evidence. */
#include "trial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "locate.h"
#include "private_file.h"
#include "shellquote.h"
#include "skip_list.h"
#include "spec_pad.h"

int pf_context_init(struct pf_context *ctx, double timeout_s, char *err, size_t errlen)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->timeout_s = timeout_s;
    ctx->want_samples = PF_SAMPLES_WHEN_NEEDED;
    ctx->skip_text = pf_skip_list_default();
    ctx->layout = pf_layout_fix();
    if (pf_find_shim(ctx->shim, sizeof ctx->shim) < 0) {
        snprintf(err, errlen, "%s", ctx->shim);
        return -1;
    }
    pf_find_pyfault(ctx->pyfault, sizeof ctx->pyfault);
    char lib[PATH_MAX];
    if (pf_env_init(&ctx->env) < 0 ||
        pf_env_prepend(&ctx->env, "LD_PRELOAD", ctx->shim, ':') < 0 ||
        pf_env_set(&ctx->env, "PYTHONHASHSEED", "0", 1) < 0 ||
        pf_env_set(&ctx->env, "PYTHONFAULTHANDLER", "1", 1) < 0 ||
        (pf_find_scenario_lib(lib, sizeof lib) == 0 &&
         pf_env_prepend(&ctx->env, "PYTHONPATH", lib, ':') < 0)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

void pf_context_free(struct pf_context *ctx)
{
    pf_env_free(&ctx->env);
}

void pf_no_core_dumps(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_CORE, &lim) == 0 && lim.rlim_cur != 0) {
        lim.rlim_cur = 0;
        setrlimit(RLIMIT_CORE, &lim);
    }
}

int pf_runner_init(struct pf_runner *r, const char *dir, unsigned index,
                   char *err, size_t errlen)
{
    char ctl[PATH_MAX];
    memset(r, 0, sizeof *r);
    /* one width: the fork server's page is ctl.fork (spec_pad.h) */
    snprintf(ctl, sizeof ctl, "%s/ctl.%04u", dir, index);
    snprintf(r->log_path, sizeof r->log_path, "%s/log.%04u", dir, index);
    if (strchr(r->log_path, ',')) {
        snprintf(err, errlen, "temporary directory '%s' has a comma in its path", dir);
        return -1;
    }
    if (pf_ctlpage_create(&r->ctl, ctl) < 0) {
        snprintf(err, errlen, "%s: %s", ctl, strerror(errno));
        return -1;
    }
    /* the event log's name is claimed now: a planted link is refused */
    int fd = pf_private_create(r->log_path, O_WRONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", r->log_path, strerror(errno));
        pf_ctlpage_destroy(&r->ctl);
        return -1;
    }
    close(fd);
    return 0;
}

void pf_runner_free(struct pf_runner *r)
{
    pf_ctlpage_destroy(&r->ctl);
    unlink(r->log_path);
}

/* The words of T's repro line under INJECT appended to OUT. */
static void repro_words(const struct pf_context *ctx, const struct pf_target *t,
                        const char *inject, char *out, size_t outlen, size_t *used)
{
    char timeout[32];
    snprintf(timeout, sizeof timeout, "%g", ctx->timeout_s);
    if (ctx->layout == PF_LAYOUT_RANDOM) /* a shell assignment: as it was run */
        pf_shell_append(out, outlen, used, "PYFAULT_ASLR=1");
    pf_shell_append(out, outlen, used, ctx->pyfault);
    pf_shell_append(out, outlen, used, "run");
    pf_shell_append(out, outlen, used, "--timeout");
    pf_shell_append(out, outlen, used, timeout);
    if (inject && inject[0]) {
        pf_shell_append(out, outlen, used, "--inject");
        pf_shell_append(out, outlen, used, inject);
    }
    if (t->is_scenario) {
        pf_shell_append(out, outlen, used, "--python");
        pf_shell_append(out, outlen, used, t->python);
        pf_shell_append(out, outlen, used, t->argv[1]);
        return;
    }
    pf_shell_append(out, outlen, used, "--");
    for (int i = 0; i < t->argc; i++)
        pf_shell_append(out, outlen, used, t->argv[i]);
}

void pf_trial_repro(const struct pf_context *ctx, const struct pf_target *t,
                    const char *inject, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    repro_words(ctx, t, inject, out, outlen, &used);
    if (used >= outlen) /* a cut line could run another command: none */
        snprintf(out, outlen, "%s", PF_REPRO_TOO_LONG);
}

/* The spec the target gets: the caller's, plus our event log (emptied:
 * made anew, never through a link) unless the caller named one. Returns
 * the log to read and the offset to read from; -1 with RES->error when
 * our log cannot be made. */
static int compose_spec(struct pf_runner *r, const char *inject, struct pf_result *res,
                         const char **log, long *offset)
{
    struct pyfault_spec spec;
    char perr[256];
    int parsed = pyfault_spec_parse(inject, &spec, perr, sizeof perr) == 0;
    if (parsed && spec.log_path[0]) {
        struct stat st;
        snprintf(res->spec, sizeof res->spec, "%s", inject);
        memcpy(r->user_log, spec.log_path, sizeof r->user_log);
        *log = r->user_log;
        *offset = stat(spec.log_path, &st) == 0 ? (long)st.st_size : 0;
        return 0;
    }
    int fd = pf_private_recreate(r->log_path, O_WRONLY);
    if (fd < 0) {
        snprintf(res->error, sizeof res->error, "%.200s: %s", r->log_path, strerror(errno));
        return -1;
    }
    close(fd);
    /* one full failure record is all a signature needs */
    const int user_max = inject && strstr(inject, "log-max=") != NULL;
    snprintf(res->spec, sizeof res->spec, "%.1000s%slog=%s%s", inject ? inject : "",
             inject && inject[0] ? "," : "", r->log_path, user_max ? "" : ",log-max=1");
    /* one length whatever the point: the same footprint for every trial
     * of a sweep, its fork server and a repro (spec_pad.h); a spec too
     * long for the buffer stays unpadded */
    const char *slash = strrchr(r->log_path, '/');
    size_t dir_len = slash ? (size_t)(slash - r->log_path) : 0;
    (void)pf_spec_pad(res->spec, sizeof res->spec, pf_spec_width_of(inject, dir_len));
    *log = r->log_path;
    *offset = 0;
    return 0;
}

/* The frames that best say where it happened, by class. */
static const struct pf_frames *pick_frames(const struct pf_result *res,
                                           const struct pf_events *ev)
{
    switch (res->v.cls) {
    case PF_UNWIND_LOOP:
        /* the call site that keeps failing: the same on every sample */
        if (res->site.n > 0)
            return &res->site;
        return res->nsamples > 0 ? &res->samples[0] : NULL;
    case PF_HANG:
        return res->nsamples > 0 ? &res->samples[0] : NULL;
    case PF_SEGFAULT:
    case PF_STACK_OVERFLOW:
    case PF_SIGNAL:
    case PF_ABORT:
    case PF_FATAL:
        if (ev->have_crash)
            return &ev->crash_frames;
        return ev->have_fail ? &ev->fail_frames : NULL;
    default:
        return ev->have_fail ? &ev->fail_frames : NULL;
    }
}

/* A trial that could not run (or was stopped by the harness itself). */
static void harness_error(struct pf_result *res)
{
    struct pf_evidence ev = {.harness_failed = 1};
    pf_classify(&ev, &res->v);
    snprintf(res->signature, sizeof res->signature, "harness-error: %s", res->error);
}

int pf_trial_begin(const struct pf_context *ctx, struct pf_runner *r,
                   const struct pf_target *t, const char *inject,
                   struct pf_result *res, struct pf_trial_log *log)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    pf_trial_repro(ctx, t, inject, res->repro, sizeof res->repro);
    if (compose_spec(r, inject, res, &log->path, &log->offset) < 0) {
        harness_error(res);
        return -1;
    }
    pf_ctlpage_reset(&r->ctl);
    pf_capture_reset(&r->out);
    pf_capture_reset(&r->err);
    return 0;
}

void pf_trial_fail(struct pf_result *res, const char *fmt, const char *what, int err)
{
    snprintf(res->error, sizeof res->error, fmt, what, strerror(err));
    harness_error(res);
}

void pf_trial_run(const struct pf_context *ctx, struct pf_runner *r,
                  const struct pf_target *t, const char *inject,
                  struct pf_result *res)
{
    struct pf_trial_log log;
    if (pf_trial_begin(ctx, r, t, inject, res, &log) < 0)
        return;

    struct pf_env env;
    if (pf_env_copy(&env, &ctx->env) < 0 ||
        pf_env_set(&env, PYFAULT_ENV_SPEC, res->spec, 0) < 0 ||
        pf_env_set(&env, PYFAULT_ENV_CTL, r->ctl.path, 0) < 0) {
        pf_env_free(&env);
        snprintf(res->error, sizeof res->error, "out of memory");
        harness_error(res);
        return;
    }

    /* before the spawn: a target may orphan its children at once */
    pf_supervise_init();
    struct pf_child ch;
    int rc = t->pty_input ? pf_spawn_pty(t->exe, t->argv, env.v, t->pty_input, &ch)
                          : pf_spawn(t->exe, t->argv, env.v, &ch);
    pf_env_free(&env);
    if (rc != 0) {
        pf_trial_fail(res, "cannot run %.160s: %s", t->exe, rc);
        return;
    }
    pf_trial_finish(ctx, r, &ch, &log, res);
}

void pf_trial_finish(const struct pf_context *ctx, struct pf_runner *r, struct pf_child *ch,
                     const struct pf_trial_log *log, struct pf_result *res)
{
    struct pf_watch w;
    memset(&w, 0, sizeof w);
    w.timeout_s = ctx->timeout_s;
    w.ctl = &r->ctl;
    w.want_samples = ctx->want_samples;
    w.window_ms = pf_pace_loop_window_ms(&ctx->pace);
    w.stall_ms = pf_pace_stall_ms(&ctx->pace);
    pf_supervise(ch, &w, &r->out, &r->err);
    pf_events_read(log->path, log->offset, &r->events);
    const struct pf_events *ev = &r->events;

    if (w.snap.foreign_version) {
        snprintf(res->error, sizeof res->error,
                 "the shim wrote a version %u control page, this pyfault reads version %u "
                 "(build both from the same tree)", w.snap.foreign_version, PYFAULT_CTL_VERSION);
        harness_error(res);
        return;
    }
    res->stop = w.stop;
    res->duration_ms = w.elapsed_ms;
    res->verdict_ms = w.verdict_ms;
    res->max_gap_ms = w.max_gap_ms;
    res->cpu = w.cpu;
    res->allocations = w.snap.allocations;
    res->eligible = w.snap.eligible;
    res->injected = w.snap.injected;
    res->first_injected = w.snap.first_injected;
    res->site_streak_max = w.snap.site_streak_max;
    res->layer = w.snap.owner_pid ? w.snap.layer : 0;
    res->attached = w.snap.owner_pid != 0 || ev->have_summary;
    res->precopied = ev->precopied;
    if (w.snap.owner_pid == 0 && ev->have_summary) {
        /* no control page claimed: fall back on the log's summary */
        res->allocations = ev->allocations;
        res->eligible = ev->eligible;
        res->injected = ev->injected;
        res->first_injected = ev->first;
        res->site_streak_max = ev->streak_max;
        res->layer = ev->layer;
    }
    if (res->first_injected && w.snap.fail.hash) {
        res->site_hash = w.snap.fail.hash;
        pf_sitekey_text(&w.snap.fail, res->site_key, sizeof res->site_key);
    }
    res->nsamples = w.nsamples;
    res->site = w.site;
    memcpy(res->samples, w.samples, sizeof w.samples[0] * w.nsamples);
    res->nthreads = w.nthreads;
    memcpy(res->threads, w.threads, sizeof w.threads[0] * w.nthreads);
    pf_capture_text(&r->err, r->text, sizeof r->text);
    pf_capture_tail(&r->err, res->stderr_tail, PF_STDERR_TAIL);
    pf_capture_tail(&r->out, res->stdout_tail, PF_STDERR_TAIL);

    struct pf_evidence e = {0};
    e.finished = w.stop == PF_STOP_EXITED;
    if (e.finished) {
        if (WIFSIGNALED(w.status)) {
            e.signal = WTERMSIG(w.status);
        } else {
            e.exit_code = WEXITSTATUS(w.status);
            res->exit_code = e.exit_code;
        }
        res->signal = e.signal;
    }
    e.stack_overflow_hint = w.snap.crash_stack_overflow || ev->crash_stack_overflow;
    e.streak_start = w.streak_start;
    e.site_streak = w.site_streak;
    e.injected_delta = w.injected_delta;
    e.cpu = w.cpu;
    e.stuck = w.stuck;
    e.stderr_text = r->text;
    e.crash_frames = ev->have_crash ? &ev->crash_frames : NULL;
    if (ev->have_crash) {
        res->crash_tid = ev->crash_tid;
        res->crash_main_thread = ev->crash_main_thread;
        memcpy(res->crash_thread, ev->crash_thread, sizeof res->crash_thread);
    }
    if (w.stop == PF_STOP_INTERRUPTED) {
        snprintf(res->error, sizeof res->error, "interrupted");
        e.harness_failed = 1;
    }
    pf_classify(&e, &res->v);

    if (res->v.cls == PF_HARNESS_ERROR) {
        harness_error(res);
        return;
    }
    const struct pf_frames *fr = pick_frames(res, ev);
    if (fr)
        res->frames = *fr;
    pf_signature(&res->v, fr, ctx->skip_text, res->signature, sizeof res->signature);
    pf_signature_sources(&res->v, fr, ctx->skip_text, res->sources, sizeof res->sources);
}

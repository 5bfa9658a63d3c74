/* journal.h: a sweep's journal, DIR/journal.jsonl next to results.json,
 * which `pyfault sweep --resume DIR` continues from. Append-only JSON
 * lines: first the invocation (the words after "sweep" and the folder
 * they were given in), then one line per counted target (M and what its
 * plan chose, to check a resumed sweep's target is the same) and one per
 * finished trial, with all that results.json needs of it (and a site
 * plan's call site, by which a resume in another environment finds it). Each line goes
 * out in one write(2), so a SIGKILL of the harness leaves at most a torn
 * last line without its newline, which the reader ignores. */
#ifndef PF_JOURNAL_H
#define PF_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "pace.h"

#define PF_JOURNAL_NAME "journal.jsonl"
#define PF_JOURNAL_MAX_TARGETS 255

/* A counted target as journaled. */
struct pf_journal_target {
    int present;             /* a line was read for it */
    uint64_t allocations;    /* M */
    struct pf_pace pace;     /* the counting run's pace (the default timeout's base) */
    uint64_t points;         /* points within M its plan chose */
    uint64_t plan_hash;      /* FNV-1a over those points */
    int has_sites_hash;      /* --plan sites: */
    uint64_t sites_hash;     /* the points' call sites, in any order (not where they fell) */
};

/* A finished trial as journaled (strings borrowed from the reader). */
struct pf_journal_trial {
    unsigned target;
    uint64_t point;
    unsigned mode;           /* PF_MODE_* */
    unsigned cls, sub;       /* enum pf_class, enum pf_subkind */
    unsigned stop;           /* enum pf_stop: what ended it (never an interruption) */
    int exit_code;           /* -1 = none */
    unsigned signal;
    uint64_t duration_ms, injected, first_injected;
    int reached;             /* it ran as far as its point and met a failure there */
    unsigned engine;         /* PF_FORKSRV_* (forkserver.h), 0 for the exec engine */
    int precopied;           /* forked, it copied the server's pages in one go
                                (absent from older journals: 0) */
    const char *signature;
    const char *repro;       /* "" unless it was its finding's example then */
    const char *stderr_tail; /* the same */
    const char *sources;     /* the same: its frames' file:line (signature.h) */
    const char *site_key;    /* its first failure's call site (run/sitekey.h), "" = none */
    int has_plan_key;        /* --plan sites, a point within M: */
    uint64_t plan_key;       /* the call site its plan chose it for (site_plan.h) */
    uint64_t plan_nth;       /* and which of that site's points it is, from 0 */
    int has_past_m;          /* --plan sites, a point past M: */
    uint64_t past_m;         /* how far past (the extension's Nth point) */
    const char *error;       /* a harness error's message, else "" */
};

/* The journal read back: the invocation and the targets' lines. */
struct pf_journal_head {
    char *text;              /* the file (owned) */
    size_t len;
    size_t good_len;         /* up to the end of the last whole line */
    char *cwd;               /* where the sweep was started (owned) */
    char **argv;             /* its words after "sweep" (owned, NULL-terminated) */
    int argc;
    /* ARGV parsed once, here (pf_options_parse): OPTIONS, pointing into
     * WORDS (ARGV's copy, reordered by the parser; owned, NULL-terminated),
     * when PARSED; else PARSE_ERROR says why ("" when parsed). Not this
     * reader's to refuse: --resume does. */
    char **words;
    int parsed;
    struct pf_options options;
    char parse_error[700];
    struct pf_journal_target targets[PF_JOURNAL_MAX_TARGETS];
    /* --plan all: the invocation's range, stride and shard (nothing else
     * set), the plan each trial's point must be one of */
    int has_selection;
    struct pf_options selection;
};

/* Called for each trial line, in file order. Returns 0, or -1 with a
 * one-line message in ERR to stop the reading. */
typedef int (*pf_journal_trial_fn)(void *arg, const struct pf_journal_trial *t,
                                   char *err, size_t errlen);

/* Parses TEXT[0..LEN) (a journal's bytes) into H (its invocation, target
 * lines and good_len; H->text is not set), calling ON_TRIAL (may be NULL)
 * per trial line. A trial at a point its target's plan (--plan all, from
 * the invocation and the target line's M) never chose is refused. A last
 * line without its newline is ignored. Returns 0, or -1 with "line N:
 * ..." in ERR; H is to be freed either way. Pure. */
int pf_journal_parse(const char *text, size_t len, struct pf_journal_head *h,
                     pf_journal_trial_fn on_trial, void *arg, char *err, size_t errlen);
/* Reads DIR's journal into H (text kept for pf_journal_trials). Returns 0,
 * or -1 with a one-line message naming the file in ERR. */
int pf_journal_load(const char *dir, struct pf_journal_head *h, char *err, size_t errlen);
/* Calls ON_TRIAL for each trial of the loaded journal H. Returns 0, or -1
 * with a one-line message in ERR. */
int pf_journal_trials(const struct pf_journal_head *h, const char *dir,
                      pf_journal_trial_fn on_trial, void *arg, char *err, size_t errlen);
/* Frees what H owns. */
void pf_journal_head_free(struct pf_journal_head *h);

/* The journal being written. */
struct pf_journal {
    int fd;                  /* -1 when closed */
    char path[4200];
    uint64_t synced_ms;      /* last fdatasync */
};

/* Whether the journal can hold the invocation ARGV[0..ARGC): every word
 * UTF-8 (JSON text), or --resume would run another command line. The
 * sweep asks before it makes --out. Returns 0, or -1 with "'WORD' is not
 * UTF-8: the journal could not hold the command line for --resume" in ERR
 * (control characters scrubbed). Pure. */
int pf_journal_check_words(int argc, char *const *argv, char *err, size_t errlen);
/* Starts DIR's journal afresh (written whole with the atomic writer, then
 * opened for appending): the invocation ARGV[0..ARGC) run in CWD. Returns
 * 0, or -1 with pf_journal_check_words's message or "PATH: strerror" in
 * ERR. */
int pf_journal_create(struct pf_journal *j, const char *dir, const char *cwd, int argc,
                      char *const *argv, char *err, size_t errlen);
/* Opens DIR's journal to go on appending after its first GOOD_LEN bytes
 * (a torn last line is cut off). Returns 0, or -1 with ERR. */
int pf_journal_reopen(struct pf_journal *j, const char *dir, size_t good_len,
                      char *err, size_t errlen);
/* Appends target INDEX's line. Returns 0, or -1 with "PATH: strerror". */
int pf_journal_add_target(struct pf_journal *j, unsigned index, const struct pf_journal_target *t,
                          char *err, size_t errlen);
/* Appends one trial's line (in one write(2); fdatasync at most once a
 * second). Returns 0, or -1 with "PATH: strerror" in ERR. */
int pf_journal_add_trial(struct pf_journal *j, const struct pf_journal_trial *t,
                         char *err, size_t errlen);
/* Syncs and closes J (no-op when closed). */
void pf_journal_close(struct pf_journal *j);

#endif

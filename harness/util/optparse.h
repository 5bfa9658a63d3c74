/* optparse.h: one option parser for every subcommand, on getopt_long.
 * A subcommand describes itself once (struct pf_cli: a table of options
 * with their help); getopt_long's arguments, the --help text and every
 * usage error's wording come from that description. */
#ifndef PF_OPTPARSE_H
#define PF_OPTPARSE_H

#include <stddef.h>
#include <stdint.h>

/* One option of a subcommand. */
struct pf_opt {
    int key;             /* what take() is given for it */
    const char *name;    /* long name without "--"; NULL ends a table */
    int letter;          /* short form ('j' for -j), or 0 */
    const char *value;   /* its value's name in --help ("SECONDS"); NULL: a flag */
    const char *help;    /* --help text; each '\n' starts another aligned line */
};

/* take()'s key for a word that is not an option, and for the command
 * after "--". */
enum { PF_ARG_WORD = -1, PF_ARG_COMMAND = -2 };

/* One option or word, as take() gets it. */
struct pf_arg {
    int key;             /* the option's key, PF_ARG_WORD or PF_ARG_COMMAND */
    const char *name;    /* the option as given ("--jobs", "-j"); only during take() */
    char *val;           /* its value (never empty); the word; NULL for a flag */
    char **argv;         /* PF_ARG_COMMAND: the words after "--" (into ARGV) */
    int argc;
};

/* A subcommand's command line. */
struct pf_cli {
    const char *name;           /* "run", "bisect-run" */
    const char *usage;          /* "usage: ..." lines and what it does ('\n' at the end) */
    const struct pf_opt *opts;  /* -h/--help is added */
    const char *epilog;         /* after the options: exit status, examples; may be NULL */
    int command;                /* "--" ends the options and the words after it are a command */
    int usage_status;           /* exit status for bad usage; 0 means 2 */
    /* Takes one option or word into DST. Returns 0, or -1 with a one-line
     * message in ERR. */
    int (*take)(void *dst, const struct pf_arg *a, char *err, size_t errlen);
    /* Checks DST after the last word; may be NULL. Returns 0, or -1 + ERR. */
    int (*check)(void *dst, char *err, size_t errlen);
};

/* Parses ARGV[0..ARGC) (the words after the subcommand) into DST through
 * C's take and check. Long options take "--opt VALUE" or "--opt=VALUE",
 * never abbreviated; short ones "-j 4" or "-j4". Returns 0, 1 when
 * -h/--help came (parsing stops there), or -1 with a one-line message in
 * ERR. ARGV must outlive DST. Prints nothing; not thread-safe (getopt). */
int pf_cli_parse(const struct pf_cli *c, int argc, char **argv, void *dst,
                 char *err, size_t errlen);
/* For a subcommand's entry point: parses as pf_cli_parse. Returns -1 when
 * the command goes on, else the status it exits with: 0 after printing
 * --help on stdout, C's usage status after "pyfault NAME: MESSAGE" on
 * stderr. */
int pf_cli_args(const struct pf_cli *c, int argc, char **argv, void *dst);
/* Prints "pyfault NAME: MESSAGE" (one line) on stderr; returns C's usage
 * status. */
int pf_cli_fail(const struct pf_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* C's --help text: usage, the options aligned, epilog. Malloc'd; NULL on
 * ENOMEM. */
char *pf_cli_help(const struct pf_cli *c);

/* A whole decimal number >= MIN (no sign, no trailing text). Returns 0,
 * or -1. Pure. */
int pf_parse_whole(const char *s, uint64_t min, uint64_t *out);
/* Option NAME's value VAL as a whole number from MIN to MAX. Returns 0,
 * or -1 with "NAME 'VAL': expected ..." in ERR. Pure. */
int pf_opt_count(const char *name, const char *val, uint64_t min, uint64_t max,
                 uint64_t *out, char *err, size_t errlen);
/* The least number of seconds a timeout may be: below a millisecond no
 * target even starts, and every trial would be a hang. */
#define PF_SECONDS_MIN 0.001
/* S as a number of seconds from PF_SECONDS_MIN to MAX, written as plain
 * decimal digits with an optional fraction ("30", "0.5"; no sign, no
 * exponent, no hex, no inf or nan). Returns 0, or -1 with why in WHY
 * ("not a number of seconds ...", "too small: ...", "too large: ..."). Pure. */
int pf_parse_seconds(const char *s, double max, double *out, char *why, size_t whylen);
/* Option NAME's value VAL as pf_parse_seconds takes it. Returns 0, or -1
 * with "NAME 'VAL': WHY" in ERR. Pure. */
int pf_opt_seconds(const char *name, const char *val, double max, double *out,
                   char *err, size_t errlen);

#endif

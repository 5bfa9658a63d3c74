/* cmd.h: the subcommands. Each takes the words after its name and returns
 * the process exit status. */
#ifndef PF_CMD_H
#define PF_CMD_H

/* "pyfault run": 0 accepted, 1 not accepted, 2 bad usage/harness error. */
int pf_cmd_run(int argc, char **argv);
/* "pyfault sweep": 0, 1, 2 as for run; 130 when interrupted. */
int pf_cmd_sweep(int argc, char **argv);
/* "pyfault pytest": 0, 1, 2 as for sweep; 130 when interrupted. */
int pf_cmd_pytest(int argc, char **argv);
/* "pyfault matrix": 0 all cells as expected, 1 not, 2 usage/harness error,
 * 130 interrupted. */
int pf_cmd_matrix(int argc, char **argv);
/* "pyfault report DIR": 0 written, 2 bad usage, an invalid results.json or
 * DIR in use by another pyfault. */
int pf_cmd_report(int argc, char **argv);
/* "pyfault merge A.json B.json ... -o OUT.json": 0 merged, 2 bad usage or
 * shards that cannot be merged. */
int pf_cmd_merge(int argc, char **argv);

/* "pyfault gate --baseline BASE RESULTS": 0 pass, 1 new findings or
 * violated expectations, 2 bad usage or input. */
int pf_cmd_gate(int argc, char **argv);
/* "pyfault bisect-run": for git bisect run: 0 good, 1 bad, 125 skip (cannot
 * build or run), 128 harness broken or bad usage (git bisect stops). */
int pf_cmd_bisect_run(int argc, char **argv);
/* "pyfault repro RESULTS.json ID": 0 the class reproduced (every time with
 * --times), 1 it did not, 2 bad usage or input. */
int pf_cmd_repro(int argc, char **argv);

/* "pyfault paths": 0 every part found, 1 one missing, 2 bad usage. */
int pf_cmd_paths(int argc, char **argv);

#endif

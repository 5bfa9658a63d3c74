/*
 * pyrun.h: run a Python interpreter under the shim in a test, with the
 * project's scenarios/lib on PYTHONPATH, the hash seed and the layout pinned.
 */
#ifndef PYFAULT_TEST_PYRUN_H
#define PYFAULT_TEST_PYRUN_H

#include "proc.h"

/* Debian's interpreter, present wherever `make deps` ran. */
#define PYRUN_SYSTEM_PYTHON "/usr/bin/python3.11"

/* Runs PY ARGS... (NULL-terminated) with LD_PRELOAD=the shim, PYFAULT=SPEC
 * (NULL: empty), PYTHONHASHSEED=0, PYTHONMALLOC unset, PYTHONPATH=
 * scenarios/lib, plus EXTRA ("NAME=value", NULL-terminated, may be NULL),
 * with one address layout (proc_run_fixed), as the harness runs it.
 * Fails the test when PY cannot be started. */
void pyrun(const char *py, const char *spec, const char *const *extra,
           const char *const *args, struct proc_result *r);

#endif

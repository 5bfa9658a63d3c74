# slow.mk: the slow tests alone. `make test` runs them too (it sets
# PYFAULT_SLOW=1); without it they skip themselves.
#
#   make test-slow   the CPython bisect acceptance test: a git repository of
#                    the 3.11.2 source with the gh-134163 fix and the
#                    bpo-38006 revert as commits, real `git bisect run
#                    pyfault bisect-run` both ways (first build: minutes;
#                    the repository and its in-tree build are kept in
#                    build/slow/ so later runs are incremental); and the
#                    fork engine against exec at every start-up point of
#                    python3.11, both modes (PYFAULT_FORK_STRIDE=1, about
#                    10 minutes; `make test` takes every 40th point)
.PHONY: test-slow
test-slow: deps all build/cpython/src/Python-3.11.2/.pyfault-extracted
	$(Q)PYFAULT_SLOW=1 build/tests/slow/test_bisect_cpython
	$(Q)PYFAULT_SLOW=1 build/tests/slow/test_deb
	$(Q)PYFAULT_SLOW=1 build/tests/slow/test_slurm
	$(Q)PYFAULT_FORK_STRIDE=1 build/tests/harness/test_fork_engine

# slow.mk: the long forms of the tests, which `make test` leaves out or
# samples (PYFAULT_SLOW=1 asks each program for them; without it they
# skip themselves or take fewer points).
#
#   make test-slow   every test program as `make test` runs them, with:
#                    - the CPython bisect acceptance test: a git repository
#                      of the 3.11.2 source with the gh-134163 fix and the
#                      bpo-38006 revert as commits, real `git bisect run
#                      pyfault bisect-run` both ways (first build: minutes;
#                      the repository and its in-tree build are kept in
#                      build/slow/ so later runs are incremental);
#                    - _testcapi parity at every start value 0..299 (make
#                      test: every 3rd on Debian's python3.11);
#                    - test_plan_recall: `--plan all` against `--plan
#                      sites` on the compiler scenario, and against
#                      `--plan sites:log` on python3.11 -c pass, both
#                      modes;
#                    then the plain build's fork engine against exec at
#                    every start-up point of python3.11, both modes
#                    (PYFAULT_FORK_STRIDE=1; make test takes every 40th).
.PHONY: test-slow
test-slow: deps test-builds build/cpython/src/Python-3.11.2/.pyfault-extracted
	$(Q)PYFAULT_SLOW=1 ./tests/run-all.sh
	$(Q)PYFAULT_FORK_STRIDE=1 build/tests/harness/test_fork_engine

# findings-ext.mk: `make findings-ext` sweeps Debian-packaged C extensions
# with the tests of their own source packages (scenarios/findings/ext/).
# python3-pytest runs the suites under Debian's /usr/bin/python3.11; the
# extensions are the installed python3-<pkg>.
export PYFAULT_EXTRA_PACKAGES += python3-pytest python3-markupsafe python3-xxhash \
	python3-brotli python3-regex python3-bitarray dpkg-dev

FINDINGS_EXT_OUT ?= build/findings-ext
# brotli's tests read tests/testdata through a relative import of
# _test_utils (DATA: run in a tree that mirrors the tarball); its bundled
# encoder and decoder and its C++ vectors allocate with malloc, so
# layer=all; the tarball holds only two of the six data files, so the
# tests of the other four are deselected, and bro_test's work happens in
# child processes (bro.py), outside any region.
BROTLI_MISSING := not 10x10y and not alice29 and not random_org_10k and not mapsdatazrh
# regex and bitarray: their sources are not on the mirror, but their
# binary packages ship their upstream tests (PACKAGED); regex's test_main
# is unittest's runner, bitarray's InternalTests need a debug build; one
# point per call site (PLAN=sites), as their suites are large, and for
# bitarray's 467 tests one call site in 4 of each (STRIDE=4).
# NAME SRCPKG BINPKG SOGLOB TESTS [PYTEST ARGS]: one extension per recipe line
.PHONY: findings-ext findings-ext-brotli findings-ext-regex findings-ext-bitarray
findings-ext: deps $(SHIM) harness
	$(Q)./tools/cpython/sources.sh
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) markupsafe markupsafe python3-markupsafe '_speedups*' tests
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) xxhash python-xxhash python3-xxhash '_xxhash*' tests
	$(Q)$(MAKE) --no-print-directory findings-ext-brotli
	$(Q)$(MAKE) --no-print-directory findings-ext-regex
	$(Q)$(MAKE) --no-print-directory findings-ext-bitarray

findings-ext-regex: deps $(SHIM) harness
	$(Q)PACKAGED=regex/test_regex.py PLAN=sites scenarios/findings/ext/sweep-packaged.sh \
		$(FINDINGS_EXT_OUT) regex python-regex python3-regex '_regex*' - -k 'not test_main'

# (two runs: pyfault pytest sweeps at most 255 tests at once)
BITARRAY_FILES := bitarray/test_bitarray.py bitarray/test_util.py bitarray/test_data.pickle
findings-ext-bitarray: deps $(SHIM) harness
	$(Q)PACKAGED='$(BITARRAY_FILES)' PLAN=sites STRIDE=4 \
		scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) bitarray \
		python-bitarray python3-bitarray '_bitarray*|_util*' - \
		-k 'test_bitarray and not InternalTests and not SliceTests'
	$(Q)PACKAGED='$(BITARRAY_FILES)' PLAN=sites STRIDE=4 \
		scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) bitarray-2 \
		python-bitarray python3-bitarray '_bitarray*|_util*' - -k 'SliceTests or test_util'

findings-ext-brotli: deps $(SHIM) harness
	$(Q)./tools/cpython/sources.sh
	$(Q)DATA=tests/testdata INJECT=layer=all scenarios/findings/ext/sweep-packaged.sh \
		$(FINDINGS_EXT_OUT) brotli brotli python3-brotli '_brotli*' python/tests \
		--ignore=python/tests/bro_test.py -k '$(BROTLI_MISSING)'

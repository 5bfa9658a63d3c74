# findings-ext.mk: `make findings-ext` sweeps Debian-packaged C extensions
# with the tests of their own source packages (scenarios/findings/ext/).
# python3-pytest runs the suites under Debian's /usr/bin/python3.11; the
# extensions are the installed python3-<pkg>.
export PYFAULT_EXTRA_PACKAGES += python3-pytest python3-markupsafe python3-xxhash \
	python3-brotli dpkg-dev

FINDINGS_EXT_OUT ?= build/findings-ext
# brotli's tests read tests/testdata through a relative import of
# _test_utils (DATA: run in a tree that mirrors the tarball); its bundled
# encoder and decoder and its C++ vectors allocate with malloc, so
# layer=all; the tarball holds only two of the six data files, so the
# tests of the other four are deselected, and bro_test's work happens in
# child processes (bro.py), outside any region.
BROTLI_MISSING := not 10x10y and not alice29 and not random_org_10k and not mapsdatazrh
# NAME SRCPKG BINPKG SOGLOB TESTS [PYTEST ARGS]: one extension per recipe line
.PHONY: findings-ext findings-ext-brotli
findings-ext: deps $(SHIM) harness
	$(Q)./tools/cpython/sources.sh
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) markupsafe markupsafe python3-markupsafe '_speedups*' tests
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) xxhash python-xxhash python3-xxhash '_xxhash*' tests
	$(Q)$(MAKE) --no-print-directory findings-ext-brotli

findings-ext-brotli: deps $(SHIM) harness
	$(Q)./tools/cpython/sources.sh
	$(Q)DATA=tests/testdata INJECT=layer=all scenarios/findings/ext/sweep-packaged.sh \
		$(FINDINGS_EXT_OUT) brotli brotli python3-brotli '_brotli*' python/tests \
		--ignore=python/tests/bro_test.py -k '$(BROTLI_MISSING)'

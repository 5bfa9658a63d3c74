# findings-ext.mk: `make findings-ext` sweeps Debian-packaged C extensions
# with the tests of their own source packages (scenarios/findings/ext/).
# python3-pytest runs the suites under Debian's /usr/bin/python3.11; the
# extensions are the installed python3-<pkg>.
export PYFAULT_EXTRA_PACKAGES += python3-pytest python3-markupsafe python3-xxhash dpkg-dev

FINDINGS_EXT_OUT ?= build/findings-ext
# NAME SRCPKG BINPKG SOGLOB TESTS: one extension per line of the recipe
.PHONY: findings-ext
findings-ext: deps $(SHIM) harness
	$(Q)./tools/cpython/sources.sh
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) markupsafe markupsafe python3-markupsafe '_speedups*' tests
	$(Q)scenarios/findings/ext/sweep-packaged.sh $(FINDINGS_EXT_OUT) xxhash python-xxhash python3-xxhash '_xxhash*' tests

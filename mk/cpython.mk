# CPython interpreters for the scenarios (issue 4: Interpreters, Patches).
#
#   make cpython          fetch and build the five variants below (cached)
#   make cpython-verify   check the bugs and fixes on them for real
#
# Each variant is built out of tree in build/cpython/VARIANT, whose
# pyfault-variant.txt says what it is. patches/README.md has the details.

# -dev packages CPython's build needs: zlib and libffi (ctypes) at least;
# ssl, bz2, lzma, sqlite3, readline and curses (the 3.13 REPL) for a
# build that behaves like a normal one. xz-utils and patch for the sources.
export PYFAULT_EXTRA_PACKAGES += libffi-dev zlib1g-dev libssl-dev \
	libbz2-dev liblzma-dev libsqlite3-dev libreadline-dev libncurses-dev \
	uuid-dev xz-utils patch

CPY := build/cpython
CPY_VARIANTS := 3.11-vanilla 3.11-patched 3.11-regress 3.13-vanilla 3.13-patched
CPY_STAMPS := $(foreach v,$(CPY_VARIANTS),$(CPY)/$(v)/.pyfault-built)

.PHONY: cpython cpython-verify cpython-FORCE
cpython: $(CPY_STAMPS)

cpython-verify: cpython
	$(Q)./tools/cpython/verify/run.sh

# Upstream sources, from Debian's source packages (deb-src added if missing).
$(CPY)/src/Python-3.11.2/.pyfault-extracted: | deps
	$(Q)./tools/cpython/sources.sh
	$(Q)./tools/cpython/fetch.sh 3.11 >/dev/null
$(CPY)/src/Python-3.13.5/.pyfault-extracted: | deps
	$(Q)./tools/cpython/sources.sh
	$(Q)./tools/cpython/fetch.sh 3.13 >/dev/null

# What a variant depends on besides the source: flags and patches (name +
# sha256). Rewritten only when it changes, so a changed, added or removed
# patch rebuilds that variant and no other.
$(CPY)/sig/%.txt: cpython-FORCE
	@mkdir -p $(dir $@)
	@./tools/cpython/signature.sh $* > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
cpython-FORCE:

# cpy_variant VARIANT UPSTREAM PREVIOUS: one variant's build. PREVIOUS is
# an order-only prerequisite so that even `make -j` builds one CPython at
# a time (2 shared cores); it never causes a rebuild.
define cpy_variant
$(CPY)/$(1)/.pyfault-built: $(CPY)/sig/$(1).txt $(CPY)/src/Python-$(2)/.pyfault-extracted | deps $(3)
	$(Q)./tools/cpython/build.sh $(1)
	@touch $$@
endef
$(eval $(call cpy_variant,3.11-vanilla,3.11.2,))
$(eval $(call cpy_variant,3.11-patched,3.11.2,$(CPY)/3.11-vanilla/.pyfault-built))
$(eval $(call cpy_variant,3.11-regress,3.11.2,$(CPY)/3.11-patched/.pyfault-built))
$(eval $(call cpy_variant,3.13-vanilla,3.13.5,$(CPY)/3.11-regress/.pyfault-built))
$(eval $(call cpy_variant,3.13-patched,3.13.5,$(CPY)/3.13-vanilla/.pyfault-built))

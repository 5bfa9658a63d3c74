# CPython interpreters for the scenarios (issue 4: Interpreters, Patches;
# issue 13: 3.14, free-threaded 3.14t, 3.15).
#
#   make cpython          fetch and build the default variants (cached)
#   make cpython-verify   check the bugs and fixes on them for real
#   PYFAULT_VARIANTS="3.14-vanilla 3.14t-vanilla" make cpython
#                         build (and with `make run`, run) only those
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
# Every variant there are rules for, and the upstream release each builds.
CPY_ALL := 3.11-vanilla 3.11-patched 3.11-regress 3.13-vanilla 3.13-patched \
	3.14-vanilla 3.14t-vanilla 3.15-vanilla
cpy_upstream = $(if $(filter 3.11-%,$(1)),3.11.2,$(if $(filter 3.13-%,$(1)),3.13.5,$(if \
	$(filter 3.14-% 3.14t-%,$(1)),3.14.9,$(if $(filter 3.15-%,$(1)),3.15.2))))
# The default set. 3.14-vanilla, 3.14t-vanilla and 3.15-vanilla are built
# when named in PYFAULT_VARIANTS: their Debian source packages (sid) are
# listed in the archive index but not yet downloadable from the mirror
# this project uses (404), and a default that cannot build would stop
# `make run` altogether.
CPY_DEFAULT := 3.11-vanilla 3.11-patched 3.11-regress 3.13-vanilla 3.13-patched
PYFAULT_VARIANTS ?= $(CPY_DEFAULT)
export PYFAULT_VARIANTS
CPY_VARIANTS := $(strip $(PYFAULT_VARIANTS))
CPY_UNKNOWN := $(filter-out $(CPY_ALL),$(CPY_VARIANTS))
ifneq ($(CPY_UNKNOWN),)
$(error PYFAULT_VARIANTS: unknown variant(s) $(CPY_UNKNOWN); known: $(CPY_ALL))
endif
CPY_STAMPS := $(foreach v,$(CPY_VARIANTS),$(CPY)/$(v)/.pyfault-built)

.PHONY: cpython cpython-verify cpython-FORCE
cpython: $(CPY_STAMPS)

cpython-verify: cpython
	$(Q)./tools/cpython/verify/run.sh

# Upstream sources, from Debian's source packages (deb-src added if missing).
define cpy_source
$(CPY)/src/Python-$(2)/.pyfault-extracted: | deps
	$(Q)./tools/cpython/sources.sh
	$(Q)./tools/cpython/fetch.sh $(1) >/dev/null
endef
$(eval $(call cpy_source,3.11,3.11.2))
$(eval $(call cpy_source,3.13,3.13.5))
$(eval $(call cpy_source,3.14,3.14.9))
$(eval $(call cpy_source,3.15,3.15.2))

# What a variant depends on besides the source: flags and patches (name +
# sha256). Rewritten only when it changes, so a changed, added or removed
# patch rebuilds that variant and no other.
$(CPY)/sig/%.txt: cpython-FORCE
	@mkdir -p $(dir $@)
	@./tools/cpython/signature.sh $* > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
cpython-FORCE:

# cpy_variant VARIANT UPSTREAM PREVIOUS: one variant's build. PREVIOUS (the
# variant before it in the chosen list) is an order-only prerequisite so
# that even `make -j` builds one CPython at a time (2 shared cores); it
# never causes a rebuild, and never builds a variant that was not chosen.
define cpy_variant
$(CPY)/$(1)/.pyfault-built: $(CPY)/sig/$(1).txt $(CPY)/src/Python-$(2)/.pyfault-extracted | deps $(3)
	$(Q)./tools/cpython/build.sh $(1)
	@touch $$@
endef
# cpy_prev_VARIANT: the stamp of the chosen variant listed before VARIANT.
cpy_last :=
$(foreach v,$(CPY_VARIANTS),$(eval cpy_prev_$(v) := $(cpy_last))$(eval cpy_last := $(CPY)/$(v)/.pyfault-built))
$(foreach v,$(CPY_ALL),$(eval $(call cpy_variant,$(v),$(call cpy_upstream,$(v)),$(cpy_prev_$(v)))))

# The chosen variants, one line: tools/run-main.sh runs the matrix on them.
.PHONY: cpython-list
cpython-list:
	@echo $(CPY_VARIANTS)

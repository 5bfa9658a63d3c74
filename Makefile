# pyfault: build, test and run.
#
#   make            build build/libpyfault.so, build/pyfault, tests, targets
#   make run        the main job (see README.md)
#   make test       the whole test suite; ends with "N passed, N failed, N skipped"
#   make deps       install missing Debian packages (root; see README.md)
#   make cpython    build the five CPython variants (mk/cpython.mk)
#   make fuzz       run each libFuzzer target 10 minutes (FUZZ_SECONDS=N;
#                   mk/fuzz.mk); `make test` builds them for its smoke run
#   make clean      remove build/ but build/cpython; make clean-all: all
#   make SANITIZE=address test   (or undefined) the harness and unit tests
#                   under a sanitizer, built in build/san-$(SANITIZE)
#   make V=1        show the commands

CC ?= cc
OPT ?= -O2
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_BASE := -std=gnu11 -g $(OPT) $(WARN) -D_GNU_SOURCE -Iinjectors
SANITIZE ?=

ifeq ($(SANITIZE),)
B := build
SANFLAGS :=
else
B := build/san-$(SANITIZE)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

UNWIND_LIBS := -lunwind-ptrace -lunwind-generic -lunwind
HARNESS_LIBS := -ljansson $(UNWIND_LIBS) -ldw -lelf -lm -lpthread
TEST_LIBS := -lcmocka $(HARNESS_LIBS)

SHIM := build/libpyfault.so
PYFAULT := $(B)/pyfault

.PHONY: all deps run test test-builds clean clean-all bench harness
all: $(SHIM) harness tests targets
harness: $(PYFAULT)

deps:
	$(Q)./tools/deps.sh

# Keep intermediate objects: no "rm build/obj/..." after a build, no rebuilds.
.SECONDARY:

# --- flags stamp: a change of compiler or flags rebuilds everything -----
FLAGS_NOW := $(CC) $(CFLAGS_BASE) $(SANFLAGS) $(CFLAGS)
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@
.PHONY: FORCE
FORCE:

# --- jemalloc, linked in statically with every public name prefixed ----
# The shim calls pf_je_mallocx() and friends directly: no dlsym bootstrap,
# and jemalloc's own start-up runs after the shim has read its spec.
JE_ARCHIVE := /usr/lib/x86_64-linux-gnu/libjemalloc_pic.a
build/jemalloc/libje.a: $(JE_ARCHIVE) injectors/jemalloc.syms
	@mkdir -p build/jemalloc/o
	$(Q)cd build/jemalloc/o && rm -f *.o && ar x $(JE_ARCHIVE) && rm -f jemalloc_cpp.pic.o
	$(Q)for f in build/jemalloc/o/*.o; do objcopy --redefine-syms=injectors/jemalloc.syms $$f; done
	$(Q)rm -f $@ && ar rcs $@ build/jemalloc/o/*.o

# --- the shim ----------------------------------------------------------
# Never sanitized: a preloaded allocator cannot live beside ASan's.
SHIM_SRC := $(filter-out injectors/spec.c,$(wildcard injectors/*.c)) injectors/spec.c
SHIM_OBJ := $(patsubst injectors/%.c,build/shim/%.o,$(SHIM_SRC))
SHIM_CFLAGS := -std=gnu11 -g -O2 $(WARN) -D_GNU_SOURCE -Iinjectors -fPIC \
	-fvisibility=hidden -ftls-model=initial-exec -fno-omit-frame-pointer $(CFLAGS)

build/shim/%.o: injectors/%.c injectors/*.h build/.flags
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(SHIM_CFLAGS) -c $< -o $@

$(SHIM): $(SHIM_OBJ) build/jemalloc/libje.a injectors/symbols.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -o $@ $(SHIM_OBJ) build/jemalloc/libje.a \
		-Wl,--exclude-libs,ALL -Wl,--version-script=injectors/symbols.map \
		-Wl,-z,nodelete -Wl,-z,now $(UNWIND_LIBS) -lpthread -ldl -lm

# --- the harness: build/pyfault ------------------------------------------
CFLAGS_ALL := $(CFLAGS_BASE) $(SANFLAGS) $(CFLAGS)
# One folder per stage (harness/README.md); every folder is on the include
# path, so a header is included by its name alone.
HARNESS_DIRS := harness $(patsubst %/,%,$(sort $(dir $(wildcard harness/*/*.c harness/*/*.h))))
HARNESS_SRC := $(wildcard $(addsuffix /*.c,$(HARNESS_DIRS)))
HARNESS_HDR := $(wildcard $(addsuffix /*.h,$(HARNESS_DIRS)))
HARNESS_MAIN := harness/cli/main.c
# the shim's spec parser is shared; its symbol index (with the mappings
# it makes) and maps walker are here for their unit tests
HARNESS_LIB_SRC := $(filter-out $(HARNESS_MAIN),$(HARNESS_SRC)) injectors/spec.c \
	injectors/symindex.c injectors/aside.c injectors/mapswalk.c
HARNESS_LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(HARNESS_LIB_SRC))
HARNESS_INC := $(addprefix -I,$(HARNESS_DIRS))

$(B)/obj/%.o: %.c injectors/pyfault.h $(HARNESS_HDR) $(B)/.flags
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_ALL) $(HARNESS_INC) -Itests/support -c $< -o $@

$(B)/obj/injectors/symindex.o $(B)/obj/injectors/aside.o $(B)/obj/injectors/mapswalk.o: \
	injectors/internal.h

$(B)/libharness.a: $(HARNESS_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

ifneq ($(wildcard $(HARNESS_MAIN)),)
$(PYFAULT): $(B)/obj/harness/cli/main.o $(B)/libharness.a
	@echo "  LD      $@"
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(HARNESS_LIBS)
else
$(PYFAULT):
	@echo "  (no harness yet)"
endif

# --- test targets: small C programs the tests run under the shim ---------
TARGET_SRC := $(wildcard tests/targets/*.c)
TARGETS := $(patsubst tests/targets/%.c,build/targets/%,$(TARGET_SRC))
.PHONY: targets
targets: $(TARGETS)
build/targets/%: tests/targets/%.c injectors/pyfault.h build/.flags
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -std=gnu11 -g -O0 $(WARN) -D_GNU_SOURCE -Iinjectors $(TARGET_LDFLAGS) -o $@ $< -lpthread -ldl
# a program the shim cannot enter: LD_PRELOAD does nothing to it
build/targets/static_alloc: TARGET_LDFLAGS := -static
# the "patched" stand-in interpreter is the vanilla one's source plus a define
build/targets/sitekey_patched: tests/targets/sitekey_vanilla.c

# --- tests: every tests/*/test_*.c is one cmocka program ----------------
SUPPORT_SRC := $(wildcard tests/support/*.c)
SUPPORT_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(SUPPORT_SRC))
# Sanitized builds run the pure unit tests (tests/unit) and, built the same
# way, the harness tests that drive the sanitized pyfault through its
# commands (tests/run-all.sh points them at it) and the quick shim tests
# (the shim itself is never sanitized: their own code is). The rest run
# once, in the plain build: plan_recall (six minutes of sweeps the fork
# engine and site plans already meet here), fork_state (which target
# states fork: the shim's decisions, as the shim is never sanitized,
# reached through the same harness paths as fork_engine's; about ten
# minutes a build), and those that run no pyfault
# command or only its build and install (ci, completion, fuzz_smoke,
# install, man).
SAN_HARNESS_TESTS := bad_input bisect fork_engine gate interrupt kubernetes layout loader_fatal \
	matrix orphans private_files pymem pytest python report repro resume run_targets \
	sitekeys sweep symbolize_builds threads verdicts write_fail
SAN_SHIM_TESTS := api deps dso double_free exec_events libc_names modes pymem quick_exit races region sites
ifeq ($(SANITIZE),)
TEST_SRC := $(wildcard tests/*/test_*.c)
else
TEST_SRC := $(wildcard tests/unit/test_*.c) $(patsubst %,tests/harness/test_%.c,$(SAN_HARNESS_TESTS)) \
	$(patsubst %,tests/shim/test_%.c,$(SAN_SHIM_TESTS))
endif
TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))
.PHONY: tests
tests: $(TESTS)
$(B)/tests/%: $(B)/obj/tests/%.o $(SUPPORT_OBJ) $(B)/libharness.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(SANFLAGS) -o $@ $^ $(TEST_LIBS)

# Fragments other parts of the project add (CPython builds, reports, ...).
-include $(sort $(wildcard mk/*.mk))

# Every test program of the three builds, in their quick forms: no CPython
# is built, and the exhaustive sweeps are sampled. `make test-slow`
# (mk/slow.mk) runs the long forms.
test: deps test-builds
	$(Q)./tests/run-all.sh

test-builds: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory fuzzers
	$(Q)$(MAKE) --no-print-directory SANITIZE=address tests harness
	$(Q)$(MAKE) --no-print-directory SANITIZE=undefined tests harness

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./tools/run-main.sh

build/bench/%: bench/%.c bench/median.h build/.flags
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_BASE) -o $@ $< -lpthread

bench: deps all build/bench/alternate build/bench/threaded_alloc build/bench/failure_cost \
	build/bench/page_cost
	$(Q)./bench/run-all.sh

# Keeps build/cpython (ten minutes of CPython builds); clean-all removes it.
clean:
	find build -mindepth 1 -maxdepth 1 ! -name cpython -exec rm -rf {} +

clean-all:
	rm -rf build

# fuzz.mk: libFuzzer targets for the readers of untrusted text
# (tests/fuzz/README.md): the spec parser, scenario headers, results.json,
# the shim's event log and a sweep's journal, built with clang-14 and
# ASan + UBSan in build/fuzz/, apart from the gcc builds.
#
#   make fuzzers         build build/fuzz/fuzz_NAME for each target
#   make fuzz            run each for FUZZ_SECONDS (default 600), FUZZ_JOBS
#                        processes (default 2), from its committed seed
#                        corpus tests/fuzz/corpus/NAME; new
#                        inputs go to build/fuzz/corpus/NAME, crashes to
#                        build/fuzz/crashes/ (and `make fuzz` fails)
#
# `make test` builds the fuzzers; tests/harness/test_fuzz_smoke.c runs
# each briefly over its corpus.
export PYFAULT_EXTRA_PACKAGES += clang-14 libclang-rt-14-dev

FUZZ_CC := clang-14
FUZZ_B := build/fuzz
FUZZ_NAMES := spec scenario results eventlog journal
FUZZ_BINS := $(addprefix $(FUZZ_B)/fuzz_,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 600
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iinjectors $(HARNESS_INC) \
	-Itests/support $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(HARNESS_LIB_SRC))

.PHONY: fuzzers fuzz
fuzzers: $(FUZZ_BINS)

$(FUZZ_B)/.flags: FORCE
	@mkdir -p $(FUZZ_B)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@

$(FUZZ_B)/obj/%.o: %.c injectors/pyfault.h $(HARNESS_HDR) $(FUZZ_B)/.flags | deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_B)/obj/harness/classify/skip_list.o: harness/classify/skip-frames.txt

$(FUZZ_B)/libharness.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_B)/fuzz_%: $(FUZZ_B)/obj/tests/fuzz/fuzz_%.o $(FUZZ_B)/libharness.a
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(HARNESS_LIBS)

# Each target in turn, FUZZ_SECONDS each, on both cores; stops at the
# first crash (its input is in build/fuzz/crashes/NAME-crash-...).
fuzz: fuzzers
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_B)/corpus/$$n $(FUZZ_B)/crashes && \
		echo "fuzz: $$n for $(FUZZ_SECONDS) s" && \
		$(FUZZ_B)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-fork=$(or $(FUZZ_JOBS),2) -ignore_crashes=0 -dict=tests/fuzz/$$n.dict \
			-artifact_prefix=$(FUZZ_B)/crashes/$$n- \
			$(FUZZ_B)/corpus/$$n tests/fuzz/corpus/$$n \
			> $(FUZZ_B)/$$n.log 2>&1 || { tail -40 $(FUZZ_B)/$$n.log; exit 1; }; \
		grep -E '^#[0-9]+: cov' $(FUZZ_B)/$$n.log | tail -1 | sed "s/^/fuzz: $$n: /"; \
	done

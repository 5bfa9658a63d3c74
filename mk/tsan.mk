# tsan.mk: the shim's filter code (site=, dso=) built with clang-14 and
# ThreadSanitizer into a test program of its own, build/tsan/filter_race:
# the shim itself is never sanitized (a preloaded allocator cannot live
# beside TSan's), so its shared state is checked this way, apart from the
# gcc builds. tests/shim/test_races.c runs it.
export PYFAULT_EXTRA_PACKAGES += clang-14 libclang-rt-14-dev

TSAN_CC := clang-14
TSAN_SRC := tests/tsan/filter_race.c $(addprefix injectors/,unwind.c symtab.c symindex.c aside.c dso.c spec.c config.c log.c heldfile.c fdhigh.c)

build/tsan/filter_race: $(TSAN_SRC) injectors/*.h
	@mkdir -p $(dir $@)
	@echo "  TSANCC  $@"
	$(Q)$(TSAN_CC) -std=gnu11 -g -O1 $(WARN) -D_GNU_SOURCE -Iinjectors -fsanitize=thread \
		-o $@ $(TSAN_SRC) -lunwind -lpthread -ldl

ifeq ($(SANITIZE),)
tests: build/tsan/filter_race
endif

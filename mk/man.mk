# man.mk: the man pages, written in scdoc (man/*.scd), built into
# build/man/ by `make` (tools/man-page.sh dates each by its source) and
# installed by `make install` (mk/install.mk).
# tests/harness/test_man.c checks them against every --help.
export PYFAULT_EXTRA_PACKAGES += scdoc

MAN_PAGES := $(patsubst man/%.scd,build/man/%,$(wildcard man/*.scd))
.PHONY: man
man: $(MAN_PAGES)
all: man

build/man/%: man/%.scd tools/man-page.sh
	@mkdir -p $(dir $@)
	@command -v scdoc >/dev/null || { echo "man: scdoc is missing (make deps installs it)" >&2; exit 1; }
	@echo "  SCDOC   $@"
	$(Q)tools/man-page.sh $< > $@.tmp && mv $@.tmp $@

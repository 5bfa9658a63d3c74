# install.mk: make install / make uninstall, GNU style (PREFIX or prefix,
# DESTDIR, bindir, ...). The installed pyfault finds its parts relative to
# its own binary (harness/run/locate.c): bindir/../lib/pyfault and
# bindir/../share/pyfault, so an installed prefix can be moved as a whole.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=/staging]
#   make uninstall [PREFIX=...] [DESTDIR=...]   removes exactly what install
#                  put there; with DESTDIR, also the folders that left empty
#
# Installed: bin/pyfault; lib/pyfault/libpyfault.so (a preload library, not
# for linking: a package's private folder, FHS); include/pyfault.h;
# lib/pkgconfig/pyfault.pc (Cflags, and the shim's path as the variable
# `shim`); share/pyfault/python/ (the pyfault module, put on PYTHONPATH for
# the interpreters under test); share/pyfault/ (the skip list, the
# results.json schema and junit.xsd); the man pages and the bash completion.
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
libdir ?= $(exec_prefix)/lib
includedir ?= $(prefix)/include
datarootdir ?= $(prefix)/share
datadir ?= $(datarootdir)
mandir ?= $(datarootdir)/man
pkglibdir := $(libdir)/pyfault
pkgdatadir := $(datadir)/pyfault
pkgconfigdir ?= $(libdir)/pkgconfig
bashcompdir ?= $(datarootdir)/bash-completion/completions
man1dir ?= $(mandir)/man1
man7dir ?= $(mandir)/man7
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 0755
INSTALL_DATA ?= $(INSTALL) -m 0644

PF_VERSION := $(shell sed -n 's/^\#define PF_VERSION "\(.*\)"/\1/p' harness/cli/version.h)

# What install puts where: "SOURCE=DESTINATION" pairs; uninstall removes
# the destinations of the same list, so the two cannot differ.
INSTALL_BIN := build/pyfault=$(bindir)/pyfault
INSTALL_DATA_FILES := \
	build/libpyfault.so=$(pkglibdir)/libpyfault.so \
	injectors/pyfault.h=$(includedir)/pyfault.h \
	build/install/pyfault.pc=$(pkgconfigdir)/pyfault.pc \
	$(foreach f,$(wildcard scenarios/lib/*.py),$(f)=$(pkgdatadir)/python/$(notdir $(f))) \
	harness/classify/skip-frames.txt=$(pkgdatadir)/skip-frames.txt \
	reports/results.schema.json=$(pkgdatadir)/results.schema.json \
	reports/junit.xsd=$(pkgdatadir)/junit.xsd \
	build/man/pyfault.1=$(man1dir)/pyfault.1 \
	build/man/pyfault-spec.7=$(man7dir)/pyfault-spec.7 \
	completion/pyfault.bash=$(bashcompdir)/pyfault
INSTALL_ALL := $(INSTALL_BIN) $(INSTALL_DATA_FILES)
INSTALL_SRC := $(foreach p,$(INSTALL_ALL),$(firstword $(subst =, ,$(p))))
INSTALL_DEST := $(foreach p,$(INSTALL_ALL),$(lastword $(subst =, ,$(p))))
# The folders that are pyfault's alone, deepest first.
INSTALL_OWN_DIRS := $(pkgdatadir)/python $(pkgdatadir) $(pkglibdir)

# pyfault.pc, rewritten only when its text changes (the prefix is in it).
build/install/pyfault.pc: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=$(prefix)' 'includedir=$(includedir)' \
		'pkglibdir=$(pkglibdir)' 'shim=$${pkglibdir}/libpyfault.so' '' \
		'Name: pyfault' \
		'Description: fault-injection shim for CPython (LD_PRELOAD $${shim}); pyfault.h: its spec, control page and C API' \
		'Version: $(PF_VERSION)' 'Cflags: -I$${includedir}' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

.PHONY: install uninstall install-check-layout
install-check-layout:
	$(Q)if [ -n "$(SANITIZE)" ]; then echo "install: installs the plain build; run it without SANITIZE" >&2; exit 2; fi
	$(Q)if [ "$(abspath $(bindir)/../lib/pyfault)" != "$(abspath $(pkglibdir))" ] || \
	       [ "$(abspath $(bindir)/../share/pyfault)" != "$(abspath $(pkgdatadir))" ]; then \
		echo "install: pyfault looks for its parts in bindir/../lib/pyfault and bindir/../share/pyfault: keep libdir and datadir beside bindir" >&2; exit 2; fi

install: install-check-layout $(INSTALL_SRC)
	$(Q)set -e; for p in $(INSTALL_BIN); do \
		$(INSTALL) -d "$$(dirname "$(DESTDIR)$${p#*=}")" && $(INSTALL_PROGRAM) "$${p%%=*}" "$(DESTDIR)$${p#*=}"; \
		echo "  INSTALL $(DESTDIR)$${p#*=}"; done
	$(Q)set -e; for p in $(INSTALL_DATA_FILES); do \
		$(INSTALL) -d "$$(dirname "$(DESTDIR)$${p#*=}")" && $(INSTALL_DATA) "$${p%%=*}" "$(DESTDIR)$${p#*=}"; \
		echo "  INSTALL $(DESTDIR)$${p#*=}"; done

uninstall:
	$(Q)for f in $(INSTALL_DEST); do \
		if [ -e "$(DESTDIR)$$f" ] || [ -L "$(DESTDIR)$$f" ]; then rm -f "$(DESTDIR)$$f" && echo "  RM      $(DESTDIR)$$f"; fi; done
	$(Q)for d in $(INSTALL_OWN_DIRS); do \
		if [ -d "$(DESTDIR)$$d" ]; then rmdir "$(DESTDIR)$$d" || exit 1; fi; done
	$(Q)if [ -n "$(DESTDIR)" ]; then for f in $(INSTALL_DEST); do \
		d=$$(dirname "$(DESTDIR)$$f"); \
		while [ "$$d" != "$(patsubst %/,%,$(DESTDIR))" ] && { [ ! -e "$$d" ] || rmdir "$$d" 2>/dev/null; }; do d=$$(dirname "$$d"); done; \
	done; fi

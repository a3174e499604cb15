# edualloc: a teaching-grade memory allocator in the Linux kernel.
#
#   make            build the module (KDIR=...) and the userspace programs
#   make demo       a guided tour in a VM (installs what it needs)
#   make test       every test, in three kernels (installs what it needs)
#   make debug      the suites in the sanitizer (KASAN...) kernel only
#   make bench      speed and space, side by side (ARGS=--json for JSON)
#   make fuzz DURATION=seconds [SEED=n]   the ioctl fuzzer, debug kernel
#   make install / uninstall [DESTDIR=] [PREFIX=/usr/local]
#   make vm-run RUN=path [KERNEL=debian-6.12|debian-6.1|debug]
#   make vm-shell [KERNEL=...]
#   make clean / make distclean (also drops the kernel cache)
#
# Kernel builds and downloads are cached in $(EDUALLOC_CACHE), outside the repo.

TOP := $(CURDIR)
export EDUALLOC_CACHE ?= $(HOME)/.cache/edualloc
KERNEL ?= debian-6.12
RUN ?=
ARGS ?=

# The running kernel's headers where they exist, else Debian's 6.12 headers.
ifeq ($(KDIR),)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR = $(shell . scripts/kver.sh && echo /usr/src/linux-headers-$$KV612)
endif
endif

MODULE_SOURCES := $(wildcard module/*.c module/*.h) include/uapi/linux/edualloc.h
GUEST := $(TOP)/build/guest

.PHONY: all module userspace guest test debug bench fuzz demo vm-run vm-shell \
	checkpatch deps kernels clean distclean help

all: module userspace

deps:
	@scripts/deps.sh

module:
	@[ -d "$(KDIR)" ] || scripts/deps.sh
	$(MAKE) -C $(KDIR) M=$(TOP) modules

userspace:
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace; fi

# Static programs for the guest: the CLI, the library, every test program
# (each tests/X/Makefile with a `guest:` target) and tests/guest/*.sh.
guest:
	@rm -rf $(GUEST) && mkdir -p $(GUEST)/bin $(GUEST)/tests
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace static OUT=$(GUEST); fi
	@for d in tests/*/; do \
		if [ -f $$d/Makefile ] && grep -q '^guest:' $$d/Makefile; then \
			$(MAKE) -C $$d guest OUT=$(GUEST)/tests || exit 1; fi; done
	@for f in tests/guest/*.sh; do [ -f "$$f" ] && install -m 755 "$$f" $(GUEST)/tests/; done; true

test:
	@scripts/test.sh all

debug:
	@scripts/test.sh debug

bench:
	@scripts/bench.sh $(ARGS)

fuzz: guest
	@scripts/fuzz.sh

demo: guest
	@scripts/deps.sh
	@scripts/vm.sh $(KERNEL) run $(TOP)/userspace/demo

vm-run: guest
	@[ -n "$(RUN)" ] || { echo "usage: make vm-run RUN=path [KERNEL=...]"; exit 2; }
	@scripts/vm.sh $(KERNEL) run $(abspath $(RUN))

vm-shell: guest
	@scripts/vm.sh $(KERNEL) shell

kernels:
	@. scripts/kver.sh && scripts/kernel.sh distro $$KV61 && scripts/kernel.sh distro $$KV612
	@scripts/kernel.sh debug

# checkpatch comes from the linux-source tarball (headers packages lack it).
# compat.h exists to test LINUX_VERSION_CODE (an out-of-tree module spans
# 5.15..6.12), so that check, and the constant-on-the-left one its usual
# form "LINUX_VERSION_CODE >= KERNEL_VERSION(...)" trips, are waived for
# that one file.
CHECKPATCH = $$(scripts/kernel.sh srcdir)/scripts/checkpatch.pl --no-tree --strict --quiet --show-types
# The uapi header's lists are X-macros (LIST(X) calls X once per entry),
# which these macro checks cannot tell from a careless macro.
XMACRO_TYPES := COMPLEX_MACRO,MACRO_ARG_REUSE,MACRO_ARG_UNUSED,MACRO_ARG_PRECEDENCE,$\
	MULTISTATEMENT_MACRO_USE_DO_WHILE,TRAILING_SEMICOLON
XMACRO_USERS := include/uapi/linux/edualloc.h module/ea_engine.h module/ea_events.c \
	module/edualloc_main.c module/edualloc_obs.c module/edualloc_trace.h
checkpatch:
	@$(CHECKPATCH) -f $(filter-out module/compat.h $(XMACRO_USERS),$(MODULE_SOURCES))
	@$(CHECKPATCH) --ignore $(XMACRO_TYPES) -f $(XMACRO_USERS)
	@$(CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f module/compat.h

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

include packaging/install.mk

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(TOP) clean >/dev/null; fi
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi
	@for d in tests/*/ bench/; do if [ -f $$d/Makefile ] && grep -q '^clean:' $$d/Makefile; then \
		$(MAKE) -C $$d clean; fi; done
	rm -rf build

distclean: clean
	rm -rf $(EDUALLOC_CACHE)

# edualloc: a teaching-grade memory allocator in the Linux kernel.
#
#   make            build the module (KDIR=...) and the userspace programs
#   make deps       install the Debian packages everything needs (as root)
#   make demo       a guided tour in a VM (installs what it needs)
#   make test       every test, in four kernels (installs what it needs)
#   make debug      the suites in the sanitizer (KASAN...) kernel only
#   make bench      speed and space, side by side (ARGS=--json for JSON)
#   make fuzz DURATION=seconds [SEED=n]   the ioctl fuzzer, debug kernel
#   make install / uninstall [DESTDIR=] [PREFIX=/usr/local]
#   make vm-run RUN=path [KERNEL=debian-6.12|debian-6.1|debian13-6.12|debug] [MODULE=path.ko]
#   make vm-shell [KERNEL=...] [RUN=dir] [MODULE=path.ko]
#   make vm-gdb [MODULE=path.ko]   the debug kernel under QEMU, waiting for gdb
#   make docs-check   the examples of the README, the guide and the labs, in a VM
#   make handout LAB=name OUT=dir [STUDENT=id]   a lab for students (no solution)
#   make handouts OUT=dir [STUDENT=id]           every lab
#   make grade LAB=name SUBMISSION=dir [STUDENT=id] [JSON=file] [REVEAL=1]
#   make clean / make distclean (also drops the kernel cache)
#
# Kernel builds and downloads are cached in $(EDUALLOC_CACHE), outside the repo.

TOP := $(CURDIR)
# Under sudo, the invoking user's cache (scripts/own.sh gives it back after).
ifneq ($(SUDO_USER),)
ifeq ($(EDUALLOC_CACHE),)
EDUALLOC_CACHE := $(shell getent passwd $(SUDO_USER) | cut -d: -f6)/.cache/edualloc
endif
endif
export EDUALLOC_CACHE ?= $(HOME)/.cache/edualloc
# The default guest kernel: the host release's 6.12 (Debian 13's on Debian
# 13, Debian 12's elsewhere).
HOST_RELEASE := $(shell . /etc/os-release 2>/dev/null; echo $$VERSION_CODENAME)
KERNEL ?= $(if $(filter trixie,$(HOST_RELEASE)),debian13-6.12,debian-6.12)
RUN ?=
ARGS ?=
OWN := scripts/own.sh

# The running kernel's headers where they exist, else the default guest
# kernel's headers (fetched into the cache).
ifeq ($(KDIR),)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR = $(shell KERNEL=$(KERNEL) top=$(TOP) sh -c '. scripts/kenv.sh && echo $$KDIR')
endif
endif

MODULE_SOURCES := $(wildcard module/*.c module/*.h) include/uapi/linux/edualloc.h
GUEST := $(TOP)/build/guest

.PHONY: all module userspace guest guest-build test debug bench fuzz demo vm-run vm-shell \
	docs-check checkpatch deps kernels clean distclean help handout handouts grade vm-gdb

all: module userspace

deps:
	@scripts/deps.sh

module:
	@scripts/deps.sh --check >/dev/null || scripts/deps.sh
	$(MAKE) -C $(KDIR) M=$(TOP) modules

userspace:
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace; fi

# Static programs for the guest: the CLI, the library, every test program
# (each tests/X/Makefile with a `guest:` target) and tests/guest/*.sh.
# `guest` rebuilds only when a source changed (scripts/guest.sh), quietly.
guest:
	@$(OWN) scripts/guest.sh

guest-build:
	@rm -rf $(GUEST) && mkdir -p $(GUEST)/bin $(GUEST)/tests
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace static OUT=$(GUEST); fi
	@for d in tests/*/; do \
		if [ -f $$d/Makefile ] && grep -q '^guest:' $$d/Makefile; then \
			$(MAKE) -C $$d guest OUT=$(GUEST)/tests || exit 1; fi; done
	@for f in tests/guest/*.sh; do [ -f "$$f" ] && install -m 755 "$$f" $(GUEST)/tests/; done; true

test:
	@$(OWN) scripts/test.sh all

debug:
	@$(OWN) scripts/test.sh debug

bench:
	@scripts/bench.sh $(ARGS)

fuzz: guest
	@$(OWN) scripts/fuzz.sh

# Packages first (nothing compiles before), then the guest, then the tour.
demo:
	@$(OWN) sh -c 'scripts/deps.sh && scripts/guest.sh && VM_CLEAN=1 scripts/vm.sh $(KERNEL) run $(TOP)/userspace/demo'

vm-run: guest
	@[ -n "$(RUN)" ] || { echo "usage: make vm-run RUN=path [KERNEL=...]"; exit 2; }
	@MODULE="$(if $(MODULE),$(abspath $(MODULE)))" $(OWN) scripts/vm.sh $(KERNEL) run $(abspath $(RUN))

vm-shell: guest
	@MODULE="$(if $(MODULE),$(abspath $(MODULE)))" $(OWN) scripts/vm.sh $(KERNEL) shell $(if $(RUN),$(abspath $(RUN)))

docs-check: guest
	@$(OWN) tests/docs/run.sh

vm-gdb: guest
	@MODULE="$(if $(MODULE),$(abspath $(MODULE)))" scripts/vm-gdb.sh $(if $(RUN),$(abspath $(RUN)))

# The lab kit (docs/labs): handouts for students, and the instructor's grader.
handout:
	@[ -n "$(LAB)" ] && [ -n "$(OUT)" ] || { echo "usage: make handout LAB=name OUT=dir [STUDENT=id]"; exit 2; }
	@scripts/handout.sh $(if $(STUDENT),-s "$(STUDENT)") "$(LAB)" "$(OUT)"

handouts:
	@[ -n "$(OUT)" ] || { echo "usage: make handouts OUT=dir [STUDENT=id]"; exit 2; }
	@scripts/handout.sh $(if $(STUDENT),-s "$(STUDENT)") all "$(OUT)"

grade: guest
	@[ -n "$(LAB)" ] && [ -n "$(SUBMISSION)" ] || \
		{ echo "usage: make grade LAB=name SUBMISSION=dir [STUDENT=id] [JSON=file] [REVEAL=1]"; exit 2; }
	@scripts/grade.sh -k $(KERNEL) $(if $(STUDENT),-s "$(STUDENT)") $(if $(JSON),-j "$(abspath $(JSON))") \
		$(if $(filter 1,$(REVEAL)),-r) "$(LAB)" "$(abspath $(SUBMISSION))"

kernels:
	@for k in debian-6.1 debian-6.12 debian13-6.12; do \
		KERNEL=$$k top=$(TOP) sh -c '. scripts/kenv.sh && echo "$$KERNEL: $$KIMAGE"' || exit 1; done
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
	module/edualloc_bench.c \
	module/edualloc_kunit.h \
	module/edualloc_main.c module/edualloc_obs.c module/edualloc_trace.h
checkpatch:
	@$(CHECKPATCH) -f $(filter-out module/compat.h $(XMACRO_USERS),$(MODULE_SOURCES))
	@$(CHECKPATCH) --ignore $(XMACRO_TYPES) -f $(XMACRO_USERS)
	@$(CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f module/compat.h

help:
	@sed -n '3,18p' Makefile | sed 's/^# \{0,1\}//'

include packaging/install.mk

clean:
ifneq ($(wildcard *.ko *.mod module/*.o),)
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(TOP) clean >/dev/null; fi
endif
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace clean; fi
	@for d in tests/*/ bench/; do if [ -f $$d/Makefile ] && grep -q '^clean:' $$d/Makefile; then \
		$(MAKE) -C $$d clean; fi; done
	rm -rf build

distclean: clean
	rm -rf $(EDUALLOC_CACHE)

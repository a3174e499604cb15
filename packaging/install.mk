# Installing edualloc: included by the top-level Makefile.
#
#   make install   [DESTDIR=] [PREFIX=/usr/local] [KDIR=...]   everything below
#   make uninstall [DESTDIR=] [PREFIX=/usr/local] [KDIR=...]   removes exactly that
#   make install-module / uninstall-module    edualloc.ko in $(MODDIR)
#   make install-user   / uninstall-user      CLI, libraries, headers, pkg-config
#                                             file, man pages, udev rule
#   make install-dkms   / uninstall-dkms      the module's sources in $(DKMSDIR),
#                                             for `dkms add edualloc/$(EA_VERSION)`
#
# Where things go (each variable can be set on the command line):
#   $(BINDIR)/edualloc
#   $(LIBDIR)/libedualloc.a, libedualloc.so.$(EA_VERSION) and its two links,
#   libedualloc-preload.so (for `edualloc run`)
#   $(INCLUDEDIR)/edualloc.h            the library's API (the seed's)
#   $(INCLUDEDIR)/linux/edualloc.h      the device's ABI (the uapi header)
#   $(PKGCONFIGDIR)/edualloc.pc
#   $(MANDIR)/man1/edualloc.1, man3/libedualloc.3 (+ one page per function,
#   each a .so link to it), man4/edualloc.4
#   $(UDEVRULESDIR)/60-edualloc.rules   /dev/edualloc: group edualloc, 0660
#   $(MODDIR)/edualloc.ko               /lib/modules/KVER/extra, whatever PREFIX
#
# KVER is the release of the kernel KDIR belongs to (UTS_RELEASE in its
# include/generated/utsrelease.h, what `uname -r` says when it runs), else
# `uname -r`. With DESTDIR empty (a real
# install) the install also runs depmod, ldconfig and `udevadm control
# --reload` where they exist, and makes the system group `edualloc` if it is
# missing; with DESTDIR set (packaging, tests) it touches nothing outside
# DESTDIR. Uninstall never removes the group: people may be in it.

EA_VERSION := $(shell sed -n 's/^VERSION := *//p' $(TOP)/userspace/Makefile)
EA_SOVERSION := $(shell sed -n 's/^SOVERSION := *//p' $(TOP)/userspace/Makefile)
EA_UB := $(TOP)/userspace/build

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
DKMSDIR ?= /usr/src/edualloc-$(EA_VERSION)
KVER ?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h \
	2>/dev/null | grep . || uname -r)
MODDIR ?= /lib/modules/$(KVER)/extra

INSTALL ?= install
EA_MAN3_LINKS := allocator_create allocator_destroy allocator_malloc allocator_calloc \
	allocator_realloc allocator_free allocator_get_id allocator_get_ptr \
	allocator_print_stats allocator_set_bit allocator_get_bit
EA_PC := $(TOP)/build/pkg/edualloc.pc
EA_DKMS_FILES := dkms.conf Kbuild $(filter-out %.mod.c,$(wildcard module/*.c module/*.h)) \
	include/uapi/linux/edualloc.h

# Remove the directories an install made, once empty. Under DESTDIR, every
# empty one up to DESTDIR (which stays); on the real system only the last
# component of the few that are ours alone (never /usr/local/include & co).
ea_rmdirs = for d in $(1); do \
	if [ -n "$(DESTDIR)" ]; then \
		while [ "$$d" != / ] && [ -n "$$d" ] && rmdir "$(DESTDIR)$$d" 2>/dev/null; do \
			d=$$(dirname "$$d"); done; \
	else case $$d in */linux|*/extra) rmdir "$$d" 2>/dev/null;; esac; fi; done; true

.PHONY: install uninstall install-module uninstall-module install-user uninstall-user \
	install-dkms uninstall-dkms ea-pc

install: install-module install-user
uninstall: uninstall-module uninstall-user

# --- the module -------------------------------------------------------------

install-module: module
	$(INSTALL) -d $(DESTDIR)$(MODDIR)
	$(INSTALL) -m 644 $(TOP)/edualloc.ko $(DESTDIR)$(MODDIR)/edualloc.ko
	@if [ -z "$(DESTDIR)" ] && command -v depmod >/dev/null; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER) || true; fi

uninstall-module:
	rm -f $(DESTDIR)$(MODDIR)/edualloc.ko
	@$(call ea_rmdirs,$(MODDIR))
	@if [ -z "$(DESTDIR)" ] && command -v depmod >/dev/null && [ -d /lib/modules/$(KVER) ]; then \
		echo "depmod -a $(KVER)"; depmod -a $(KVER) || true; fi

# --- userspace, manuals, udev -------------------------------------------------

# The pkg-config file for this PREFIX (userspace/build's is for its own).
ea-pc:
	@mkdir -p $(dir $(EA_PC))
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(EA_VERSION)|' \
	    $(TOP)/userspace/edualloc.pc.in >$(EA_PC)

install-user: userspace ea-pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(UDEVRULESDIR)
	$(INSTALL) -m 755 $(EA_UB)/edualloc $(DESTDIR)$(BINDIR)/edualloc
	$(INSTALL) -m 644 $(EA_UB)/libedualloc.a $(DESTDIR)$(LIBDIR)/libedualloc.a
	$(INSTALL) -m 755 $(EA_UB)/libedualloc.so.$(EA_VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libedualloc.so.$(EA_VERSION) $(DESTDIR)$(LIBDIR)/libedualloc.so.$(EA_SOVERSION)
	ln -sf libedualloc.so.$(EA_SOVERSION) $(DESTDIR)$(LIBDIR)/libedualloc.so
	$(INSTALL) -m 755 $(EA_UB)/libedualloc-preload.so $(DESTDIR)$(LIBDIR)/	# edualloc run
	$(INSTALL) -m 644 $(TOP)/userspace/lib/edualloc.h $(DESTDIR)$(INCLUDEDIR)/edualloc.h
	$(INSTALL) -m 644 $(TOP)/include/uapi/linux/edualloc.h $(DESTDIR)$(INCLUDEDIR)/linux/edualloc.h
	$(INSTALL) -m 644 $(EA_PC) $(DESTDIR)$(PKGCONFIGDIR)/edualloc.pc
	$(INSTALL) -m 644 $(TOP)/man/edualloc.1 $(DESTDIR)$(MANDIR)/man1/edualloc.1
	$(INSTALL) -m 644 $(TOP)/man/libedualloc.3 $(DESTDIR)$(MANDIR)/man3/libedualloc.3
	$(INSTALL) -m 644 $(TOP)/man/edualloc.4 $(DESTDIR)$(MANDIR)/man4/edualloc.4
	@for f in $(EA_MAN3_LINKS); do \
		echo ".so man3/libedualloc.3" >$(DESTDIR)$(MANDIR)/man3/$$f.3 || exit 1; \
		chmod 644 $(DESTDIR)$(MANDIR)/man3/$$f.3; done
	$(INSTALL) -m 644 $(TOP)/packaging/60-edualloc.rules $(DESTDIR)$(UDEVRULESDIR)/60-edualloc.rules
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v ldconfig >/dev/null; then echo "ldconfig"; ldconfig || true; fi; \
		if ! getent group edualloc >/dev/null && command -v groupadd >/dev/null; then \
			echo "groupadd --system edualloc"; groupadd --system edualloc || true; fi; \
		if command -v udevadm >/dev/null; then udevadm control --reload 2>/dev/null || true; fi; \
		echo "installed: add users to group edualloc (usermod -aG edualloc USER) and load"; \
		echo "the module with: modprobe edualloc"; fi

uninstall-user:
	rm -f $(DESTDIR)$(BINDIR)/edualloc
	rm -f $(DESTDIR)$(LIBDIR)/libedualloc.a $(DESTDIR)$(LIBDIR)/libedualloc.so \
		$(DESTDIR)$(LIBDIR)/libedualloc.so.$(EA_SOVERSION) \
		$(DESTDIR)$(LIBDIR)/libedualloc.so.$(EA_VERSION) $(DESTDIR)$(LIBDIR)/libedualloc-preload.so
	rm -f $(DESTDIR)$(INCLUDEDIR)/edualloc.h $(DESTDIR)$(INCLUDEDIR)/linux/edualloc.h
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/edualloc.pc
	rm -f $(DESTDIR)$(MANDIR)/man1/edualloc.1 $(DESTDIR)$(MANDIR)/man3/libedualloc.3 \
		$(DESTDIR)$(MANDIR)/man4/edualloc.4 \
		$(foreach f,$(EA_MAN3_LINKS),$(DESTDIR)$(MANDIR)/man3/$(f).3)
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-edualloc.rules
	@$(call ea_rmdirs,$(BINDIR) $(LIBDIR) $(INCLUDEDIR)/linux $(PKGCONFIGDIR) \
		$(MANDIR)/man1 $(MANDIR)/man3 $(MANDIR)/man4 $(UDEVRULESDIR))
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then ldconfig || true; fi

# --- DKMS sources ------------------------------------------------------------------

install-dkms:
	$(INSTALL) -d $(DESTDIR)$(DKMSDIR)/module $(DESTDIR)$(DKMSDIR)/include/uapi/linux
	@cd $(TOP) && for f in $(EA_DKMS_FILES); do \
		echo "$(INSTALL) -m 644 $$f $(DESTDIR)$(DKMSDIR)/$$f"; \
		$(INSTALL) -m 644 $$f $(DESTDIR)$(DKMSDIR)/$$f || exit 1; done
	@if [ -z "$(DESTDIR)" ]; then \
		echo "now: dkms add edualloc/$(EA_VERSION) && dkms install edualloc/$(EA_VERSION)"; fi

uninstall-dkms:
	rm -rf $(DESTDIR)$(DKMSDIR)
	@$(call ea_rmdirs,$(patsubst %/,%,$(dir $(DKMSDIR))))

# SPDX-License-Identifier: GPL-2.0
#
# pl: PrivateLink-style interface endpoints for Linux routers.
#
#   make                 pl.ko for the running kernel (else the newest with
#                        headers, with a notice), and pl-ctl
#   make KDIR=DIR        ... against the kernel build tree DIR
#   make modules-all     pl.ko for every kernel with headers installed
#   make install         install the module, pl-ctl, its man page and units
#   make deb             Debian packages: pl-dkms and pl-tools (build/deb/)
#   make check           every gate and every test, on every kernel
#   make check-debug     the tests in a debug kernel (KASAN, lockdep, ...)
#   make demo            a VM that loads pl and shows a configuration
#   make regen           regenerate code from the YNL spec

# The one place the version is written; debian/changelog must agree.
PL_VERSION := $(shell cat $(abspath .)/VERSION)
export PL_VERSION

TOP := $(abspath .)
BUILD := $(TOP)/build

# The running kernel's headers when installed, else the newest ones (by
# version), which make says when it builds.
KRUNNING := $(shell uname -r)
KDIR_RUNNING := $(wildcard /lib/modules/$(KRUNNING)/build)
ifeq ($(origin KDIR),undefined)
KDIR := $(firstword $(KDIR_RUNNING) \
	$(shell printf '%s\n' $(wildcard /lib/modules/*/build) | sort -V | tail -n 1))
endif
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
# Set when make chose KDIR, and not for the running kernel.
KDIR_OTHER = $(if $(filter file,$(origin KDIR)),$(if $(KDIR_RUNNING),,$(KDIR)))
KDIR_NOTICE = pl: the running kernel's headers ($(KRUNNING)) are not installed: building pl.ko for $(KRELEASE), the newest installed (make KDIR=DIR picks another)
# Every kernel whose headers are installed.
KERNELS ?= $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build)))

MODULE_SRC := Kbuild VERSION $(wildcard kernel/*.c kernel/*.h) include/uapi/linux/pl.h

DESTDIR ?=
PREFIX ?= /usr
INSTALL_MOD_DIR ?= extra
# Distribution headers ask modules_install to sign every module with a key
# they do not ship; sign only when the key is there.
SIG_KEY = $(KDIR)/$(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
NO_SIGN = $(if $(wildcard $(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=)

.PHONY: all module modules-all pl-ctl install deb check check-debug demo regen clean FORCE

all: module pl-ctl

module:
	@[ -n "$(KDIR)" ] || { echo "no kernel headers found: apt-get install linux-headers-amd64" >&2; exit 1; }
	@$(if $(KDIR_OTHER),echo "$(KDIR_NOTICE)" >&2)
	@$(MAKE) --no-print-directory module-build KR=$(KRELEASE) KD=$(KDIR)

modules-all:
	@for k in $(KERNELS); do \
		$(MAKE) --no-print-directory module-build KR=$$k KD=/lib/modules/$$k/build || exit 1; \
	done

# Each kernel's objects live in build/<release>/, a copy of the sources.
module-build:
	@mkdir -p $(BUILD)/$(KR)/kernel $(BUILD)/$(KR)/include/uapi/linux
	@for f in $(MODULE_SRC); do cmp -s $$f $(BUILD)/$(KR)/$$f || cp -p $$f $(BUILD)/$(KR)/$$f; done
	$(MAKE) -C $(KD) M=$(BUILD)/$(KR) $(if $(W),W=$(W)) $(if $(C),C=$(C)) modules

pl-ctl:
	$(MAKE) -C tools/pl-ctl

install: module pl-ctl
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(KRELEASE) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(NO_SIGN) modules_install
	$(MAKE) -C tools/pl-ctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

deb:
	@tools/deb

check:
	@tools/check

check-debug:
	@tools/check --debug

demo:
	@tools/demo

regen:
	@tools/ynl/regen

clean:
	rm -rf $(BUILD)
	$(MAKE) -C tools/pl-ctl clean

# make bench [QUICK=1]: pl against plain forwarding, IPVS and nftables, in
# a VM (tools/bench/run); QUICK=1 is a shortened check of a few minutes.
.PHONY: bench
bench:
	@QUICK=$(QUICK) tools/bench/run

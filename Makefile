# SPDX-License-Identifier: GPL-2.0
# bpf_diag.  On your own machine:  make && sudo insmod module/bpf_diag.ko
# Against another kernel tree:     make KDIR=/path/to/kernel/build
# Stock kernels in QEMU:           make demo   /   make test
# The DKMS package:                make deb  (build/deb/*.deb)
KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= $(shell awk '!/^#/ && NF >= 5 { print $$1 }' scripts/kernels.conf)
# Downloads and builds of the test kernels, shared by every clone here.
CACHE := $(or $(BPF_DIAG_CACHE),/var/cache/bpf_diag)

MOD_SRCS := Kbuild module/Kbuild $(wildcard module/*.[ch] include/*.h)
ST_SRCS := $(wildcard selftests/Makefile selftests/kselftests.list selftests/progs/* selftests/progs/*/* selftests/tools/*)
DEB_SRCS := Makefile $(wildcard debian/* debian/*/*) scripts/mkdeb docs/interface.md
GUEST_SRCS := $(wildcard selftests/guest/* selftests/guest/*/*) \
	scripts/mkguest scripts/guest-init

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	rm -rf build
	find module -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'modules.order' | xargs rm -f
	rm -f Module.symvers modules.order .*.cmd

# --- Kernels under QEMU (root; downloads into $(CACHE) once) ---
setup:
	scripts/setup-cache

# The DKMS package (bpf-diag-dkms_VERSION_all.deb, lintian-checked by
# host-tests); the stock kernels' modules are built from it by dkms.
build/deb/.stamp: $(MOD_SRCS) $(DEB_SRCS)
	scripts/mkdeb
	touch $@

deb: build/deb/.stamp

.SECONDEXPANSION:
# rebuilt when set-up resolves a kernel to a new version
build/%/bpf_diag.ko: build/deb/.stamp scripts/build-module $$(wildcard $(CACHE)/kernels/$$*/resolved)
	scripts/build-module $*

build/selftests/include/vmlinux.h: $(CACHE)/kernels/7.2/.done
	mkdir -p build/selftests/include
	cp $(CACHE)/kernels/7.2/vmlinux.h $@

build/selftests/.stamp: $(ST_SRCS) build/selftests/include/vmlinux.h
	scripts/inroot sid make -s -C selftests O=/src/build/selftests corpus
	touch $@

build/selftests/.kst-stamp: $(ST_SRCS) build/selftests/include/vmlinux.h $(CACHE)/kselftests/.done
	scripts/inroot sid make -s -C selftests O=/src/build/selftests kselftests
	touch $@

build/guest/base.cpio: build/selftests/.stamp $(GUEST_SRCS)
	scripts/mkguest

build/guest/kselftests.cpio: build/selftests/.kst-stamp scripts/mkguest
	scripts/mkguest --kselftests

# Modules built against altered headers (layouts group): 7.2 and 6.12
build/%/variants/.stamp: build/%/bpf_diag.ko scripts/build-variants
	scripts/build-variants $*
	touch $@

VARIANT_KERNELS := $(filter 7.2 6.12,$(KERNELS))
guest: $(foreach k,$(KERNELS),build/$(k)/bpf_diag.ko) build/guest/base.cpio \
	build/guest/kselftests.cpio $(foreach k,$(VARIANT_KERNELS),build/$(k)/variants/.stamp)

# The overhead benchmark: 7.2 and 6.12 unless KERNELS is given.
bench:
	scripts/bench $(if $(filter command line,$(origin KERNELS)),$(foreach k,$(KERNELS),--kernel $(k)))

test:
	scripts/run-tests $(foreach k,$(KERNELS),--kernel $(k))

demo:
	scripts/demo

.PHONY: all modules clean setup deb guest test demo bench

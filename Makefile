# nvmx — nested VMX capability MSRs, the way KVM computes and checks them.
#
#   make                build build/libnvmx.a, build/nvmx
#   make test           the test suite (TAP, run by prove, two at a time)
#   make test-asan      the same suite built with ASan+UBSan
#   make valgrind       the C tests and the fuzz replays under valgrind
#   make test-fuzz      the fuzz smoke run: replays, then a minute of libFuzzer
#   make test-all       everything CI runs (test, test-asan, valgrind, test-fuzz)
#   make fuzz           libFuzzer targets, 15 s each (fuzz-long: 600 s; fuzz/README.md)
#   make bench          costs and ratios to a naive reference (not in CI)
#   make install        PREFIX=/usr/local DESTDIR=
#   make kcases         KSRC=TREE OUT=DIR: the real KVM code's cases from a kernel tree (kharness/, GPL-2.0-only)
#   make kcheck         KSRC=TREE [KVM=ROW]: that code against the CLI, bit by bit

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
O       ?= build
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Iinclude
override CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
VERSION := 0.1.0

CORE_SRC := $(wildcard lib/*.c)
IO_SRC   := $(wildcard io/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/*.c)
HEADERS  := $(wildcard include/nvmx/*.h)
# The io layer's headers (and nvmx.h, which includes them); the rest is the core.
CORE_HEADERS := $(filter-out include/nvmx/io.h include/nvmx/inventory.h include/nvmx/nvmx.h,$(HEADERS))

CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
IO_OBJ   := $(IO_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(O)/tests/%.t)

all: $(O)/libnvmx.a $(O)/nvmx $(O)/libnvmx.pc

$(O)/%.o: %.c $(HEADERS) $(wildcard lib/*.h io/*.h cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The core must stay free of I/O, allocation and global state.  Each lib/
# source is compiled freestanding with no libc headers at all (only the
# compiler's own: stdint.h, stdbool.h, stddef.h, limits.h...), so a call into
# libc or an #include of one fails to build; and no lib/ or io/ object may have
# writable data (.data/.bss: the library keeps no state between calls, so it is
# reentrant, as docs/api.md says) -- checked on the plain build, since
# sanitizers add their own.  Each core header is compiled the same way on its own, so none can
# declare stdio's types or need a libc header (the io layer's are io.h and
# inventory.h, which with nvmx.h compile alone as hosted C11).  `make core-check` runs it alone; every build of libnvmx.a does.
CORE_INC = $$(d=$$($(CC) -print-file-name=include); [ -d "$$d" ] || d=$$($(CC) -print-resource-dir)/include; echo "$$d")
$(O)/core-check.stamp: $(CORE_OBJ) $(IO_OBJ) $(HEADERS) $(wildcard lib/*.h)
	@mkdir -p $(O)
	@inc=$(CORE_INC); for f in $(CORE_SRC); do \
	  $(CC) -std=c11 -ffreestanding -nostdinc -isystem "$$inc" -Iinclude -Ilib -Wall -Wextra \
	    -Wno-override-init -fsyntax-only $$f || { \
	    echo "$$f: the core is freestanding C11 (no libc: no I/O, no allocation)"; exit 1; }; done
	@inc=$(CORE_INC); for h in $(CORE_HEADERS); do \
	  $(CC) -std=c11 -ffreestanding -nostdinc -isystem "$$inc" -Iinclude -Wall -Wextra \
	    -x c -fsyntax-only $$h || { \
	    echo "$$h: a core header is self-contained freestanding C11 (no libc, no I/O)"; exit 1; }; done
	@for h in $(filter-out $(CORE_HEADERS),$(HEADERS)); do \
	  $(CC) -std=c11 -Iinclude -Wall -Wextra -x c -fsyntax-only $$h || { \
	    echo "$$h: a public header is self-contained C11"; exit 1; }; done
	@$(if $(findstring -fsanitize,$(CFLAGS)),true,for o in $(CORE_OBJ) $(IO_OBJ); do \
	  size -A $$o | awk -v o=$$o '($$1 == ".data" || $$1 == ".bss") && $$2 > 0 { \
	    print o ": " $$1 " holds " $$2 " bytes: libnvmx has no global mutable state"; bad = 1 } \
	    END { exit bad }' || exit 1; done)
	@touch $@

core-check: $(O)/core-check.stamp

# Release rows start from shared blocks and override what the release changed.
$(O)/lib/kernels.o: override CFLAGS += -Wno-override-init

$(O)/libnvmx.a: $(CORE_OBJ) $(IO_OBJ) $(O)/core-check.stamp
	$(AR) rcs $@ $(CORE_OBJ) $(IO_OBJ)

$(O)/nvmx: $(CLI_OBJ) $(O)/libnvmx.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(O)/libnvmx.a $(LDLIBS)

$(O)/tests/%.t: tests/%.c $(wildcard tests/*.h) $(O)/libnvmx.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itests -o $@ $< $(O)/libnvmx.a $(LDLIBS)

# The .pc names the prefix it is installed under, so it is written per PREFIX.
$(O)/libnvmx.pc: Makefile FORCE
	@mkdir -p $(O)
	@printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: libnvmx\nDescription: nested VMX capability MSRs as Linux KVM computes and checks them\nVersion: %s\nLibs: -L$${libdir} -lnvmx\nCflags: -I$${includedir}\n' '$(PREFIX)' '$(VERSION)' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

tests: $(TEST_BIN) $(O)/nvmx

# Two tests at a time (PROVE_JOBS), the longest first so that the other one
# fills the time around it.  The suite replays the fuzz seeds but does not fuzz:
# test-fuzz does (NVMX_FUZZ_SECONDS), in test-all.
PROVE_JOBS ?= 2
# (CPU seconds on this 2-core machine: kcheck 22, conformance 12, qemu_cli 11,
# install 11, bad_input 7; the whole suite about 100, so under a minute of wall
# time with two jobs on an otherwise idle machine.)
SLOW_TESTS := $(wildcard tests/kcheck.sh tests/conformance.sh tests/qemu_cli.sh tests/install.sh \
	tests/bad_input.sh)
test: tests
	NVMX=$(O)/nvmx NVMX_BUILD=$(O) NVMX_FUZZ_SECONDS=0 prove -j$(PROVE_JOBS) -f --exec '' \
	  $(SLOW_TESTS) $(TEST_BIN) $(filter-out $(SLOW_TESTS) tests/lib.sh,$(wildcard tests/*.sh))

test-fuzz: tests
	NVMX=$(O)/nvmx NVMX_BUILD=$(O) NVMX_FUZZ_SECONDS=$${NVMX_FUZZ_SECONDS:-60} prove -f --exec '' \
	  tests/fuzz_smoke.sh

test-asan: export NVMX_CONFORMANCE_SAMPLE ?= 20
test-asan:
	$(MAKE) O=build-asan CC=$${ASAN_CC:-gcc} CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' test

# The C tests (derivation, restore, readers) and the fuzz replays under memcheck.
VALGRIND ?= valgrind --error-exitcode=1 --leak-check=full -q
valgrind: tests
	NVMX=$(O)/nvmx NVMX_BUILD=$(O) prove -f --exec '$(VALGRIND)' $(TEST_BIN)
	@for t in $(FUZZ_NAMES); do \
	  echo "$(VALGRIND) $(FUZZ_O)/replay_$$t (seeds, regressions)"; \
	  $(VALGRIND) $(FUZZ_O)/replay_$$t $(FUZZ_O)/seeds/$$t/ $$(ls -d fuzz/regressions/$$t 2>/dev/null) \
	    >/dev/null || exit 1; \
	done

test-all: test test-asan valgrind test-fuzz

include fuzz/fuzz.mk bench/bench.mk kharness/kharness.mk

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/nvmx $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/nvmx/hosts
	install -m 755 $(O)/nvmx $(DESTDIR)$(PREFIX)/bin/nvmx
	install -m 644 $(O)/libnvmx.a $(DESTDIR)$(PREFIX)/lib/libnvmx.a
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/nvmx/
	install -m 644 $(O)/libnvmx.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/libnvmx.pc
	install -m 644 docs/nvmx.1 $(DESTDIR)$(PREFIX)/share/man/man1/nvmx.1
	install -m 644 data/hosts/*.msrs data/README.md $(DESTDIR)$(PREFIX)/share/nvmx/hosts/

clean:
	rm -rf build build-asan

# FORCE re-checks the .pc; it is only rewritten when PREFIX changed.
.PHONY: FORCE core-check all tests test test-asan test-fuzz test-all valgrind install clean

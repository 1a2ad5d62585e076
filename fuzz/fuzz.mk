# Fuzzing (included by the top-level Makefile).
#
#   make fuzz          build the libFuzzer targets (clang) and fuzz each for
#                      FUZZ_SECONDS (15), seeded with the bundled dumps
#   make fuzz-long     the same for FUZZ_LONG_SECONDS (600) each, keeping the
#                      corpus in $(O)/fuzz/corpus between runs
#   make fuzz-build    only build them
#   make fuzz-replay   run every seed and fuzz/regressions/ input once through
#                      the targets built with $(CC) (no libFuzzer needed)
#
# Targets: fuzz/fuzz_*.c.  Each is a libFuzzer binary $(O)/fuzz/fuzz_NAME
# (ASan+UBSan) and a replay binary $(O)/fuzz/replay_NAME (the build's CC and
# CFLAGS, so under `make test-asan` it is an ASan binary too).

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 15
FUZZ_LONG_SECONDS ?= 600
FUZZ_O := $(O)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -std=c11 -Wall -Wextra -Wno-override-init \
	-Iinclude -Ilib -Iio -Ifuzz -I$(FUZZ_O)

FUZZ_NAMES := msrs json restore nested_state baseline vmxcap virsh cpuinfo logscan
FUZZ_BIN := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz_%)
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(FUZZ_O)/replay_%)
FUZZ_LIB_OBJ := $(CORE_SRC:%.c=$(FUZZ_O)/obj/%.o) $(IO_SRC:%.c=$(FUZZ_O)/obj/%.o)
HOST_DUMPS := $(wildcard data/hosts/*.msrs)
FUZZ_HDRS := $(wildcard fuzz/*.h) $(FUZZ_O)/fuzz_hosts.h

$(FUZZ_O)/obj/%.o: %.c $(HEADERS) $(wildcard lib/*.h io/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(FUZZ_HDRS)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ)

$(FUZZ_O)/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(O)/libnvmx.a $(FUZZ_HDRS)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -Iio -Ifuzz -I$(FUZZ_O) $(LDFLAGS) -o $@ fuzz/replay.c $< \
	  $(O)/libnvmx.a $(LDLIBS)

$(FUZZ_O)/seedgen: fuzz/seedgen.c fuzz/restore_input.h $(O)/libnvmx.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ifuzz $(LDFLAGS) -o $@ $< $(O)/libnvmx.a $(LDLIBS)

$(FUZZ_O)/fuzz_hosts.h: $(FUZZ_O)/seedgen $(HOST_DUMPS)
	@echo "seedgen hosts $@ data/hosts/*.msrs"
	@$(FUZZ_O)/seedgen hosts $@.tmp $(HOST_DUMPS) && mv $@.tmp $@

# Seed corpora: the dumps themselves (msrs), as JSON, and generated restore
# and nested-state inputs; fuzz/seeds/ for the partial-host readers (made by
# tests/vmxcap_gen.py and tests/cpuinfo_gen.py, libvirt XML from tests/fixtures)
# and the report corpus for the log scanner.  A directory per target under $(FUZZ_O)/seeds.
$(FUZZ_O)/seeds.stamp: $(FUZZ_O)/seedgen $(HOST_DUMPS) $(wildcard fuzz/seeds/*/*)
	rm -rf $(FUZZ_O)/seeds
	mkdir -p $(FUZZ_O)/seeds/json $(FUZZ_O)/seeds/restore $(FUZZ_O)/seeds/nested_state \
	  $(FUZZ_O)/seeds/baseline
	@echo "seedgen json $(FUZZ_O)/seeds/json data/hosts/*.msrs"
	@$(FUZZ_O)/seedgen json $(FUZZ_O)/seeds/json $(HOST_DUMPS)
	$(FUZZ_O)/seedgen restore $(FUZZ_O)/seeds/restore $(words $(HOST_DUMPS))
	$(FUZZ_O)/seedgen nested $(FUZZ_O)/seeds/nested_state
	$(FUZZ_O)/seedgen baseline $(FUZZ_O)/seeds/baseline $(words $(HOST_DUMPS))
	ln -s $(CURDIR)/data/hosts $(FUZZ_O)/seeds/msrs
	for t in vmxcap virsh cpuinfo; do ln -s $(CURDIR)/fuzz/seeds/$$t $(FUZZ_O)/seeds/$$t; done
	ln -s $(CURDIR)/tests/reports $(FUZZ_O)/seeds/logscan
	@touch $@

# The suites replay the seeds through the replay binaries (tests/fuzz_smoke.sh);
# only test-fuzz (in test-all) also fuzzes.
tests: $(FUZZ_REPLAY) $(FUZZ_O)/seeds.stamp
test-asan: export NVMX_FUZZ_SECONDS = 0

# Keep the instrumented objects between builds.
.SECONDARY: $(FUZZ_LIB_OBJ)

fuzz-build: $(FUZZ_BIN) $(FUZZ_O)/seeds.stamp

fuzz-replay-build: $(FUZZ_REPLAY) $(FUZZ_O)/seeds.stamp

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_O) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-long: fuzz-build
	FUZZ_CORPUS=$(FUZZ_O)/corpus fuzz/run.sh $(FUZZ_O) $(FUZZ_LONG_SECONDS) $(FUZZ_NAMES)

fuzz-replay: fuzz-replay-build
	@for t in $(FUZZ_NAMES); do \
	  $(FUZZ_O)/replay_$$t $(FUZZ_O)/seeds/$$t $$(ls -d fuzz/regressions/$$t 2>/dev/null) || exit 1; \
	done

.PHONY: fuzz fuzz-long fuzz-build fuzz-replay fuzz-replay-build

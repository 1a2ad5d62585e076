# Benchmarks (included by the top-level Makefile).
#
#   make bench    per-operation costs of libnvmx and the ratio to a naive
#                 reference in the same run (bench/bench.c, bench/reference.c),
#                 instruction counts with callgrind (bench/callgrind.sh), then
#                 the fleet commands on generated fleets up to a million hosts
#                 (bench/fleet_bench.c; FLEET_BENCH_ARGS=--quick stops at 10^5)
#   make fleet-bench   only the last
#
# Built from the sources with plain -O2 (no sanitizers, whatever CFLAGS says)
# into $(O)/bench.  Not part of the test suite: CI times nothing.

BENCH_CC ?= $(CC)
BENCH_O := $(O)/bench
BENCH_CFLAGS := -O2 -g -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Iinclude -Ibench
BENCH_LIB_OBJ := $(CORE_SRC:%.c=$(BENCH_O)/obj/%.o) $(IO_SRC:%.c=$(BENCH_O)/obj/%.o)

$(BENCH_O)/obj/%.o: %.c $(HEADERS) $(wildcard lib/*.h io/*.h)
	@mkdir -p $(dir $@)
	$(BENCH_CC) $(CPPFLAGS) $(BENCH_CFLAGS) -Wno-override-init -c -o $@ $<

$(BENCH_O)/bench: bench/bench.c bench/reference.c bench/reference.h $(BENCH_LIB_OBJ)
	$(BENCH_CC) $(CPPFLAGS) $(BENCH_CFLAGS) -o $@ bench/bench.c bench/reference.c $(BENCH_LIB_OBJ)

$(BENCH_O)/cg_driver: bench/cg_driver.c bench/reference.c bench/reference.h $(BENCH_LIB_OBJ)
	$(BENCH_CC) $(CPPFLAGS) $(BENCH_CFLAGS) -o $@ bench/cg_driver.c bench/reference.c $(BENCH_LIB_OBJ)

$(BENCH_O)/fleet_bench: bench/fleet_bench.c
	@mkdir -p $(dir $@)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

.SECONDARY: $(BENCH_LIB_OBJ)

# The fleet benchmark times the real command ($(O)/nvmx) from outside.
FLEET_BENCH_ARGS ?=
fleet-bench: $(BENCH_O)/fleet_bench $(O)/nvmx
	@$(BENCH_O)/fleet_bench $(O)/nvmx $(FLEET_BENCH_ARGS)

bench: $(BENCH_O)/bench $(BENCH_O)/cg_driver $(BENCH_O)/fleet_bench $(O)/nvmx
	@$(BENCH_O)/bench data/hosts
	@echo
	@bench/callgrind.sh $(BENCH_O)/cg_driver data/hosts
	@echo
	@$(BENCH_O)/fleet_bench $(O)/nvmx $(FLEET_BENCH_ARGS)

.PHONY: bench fleet-bench

# SPDX-License-Identifier: GPL-2.0-only
# The kernel harness (kharness/README.md). Included from the top Makefile.
#
#   make kcases KSRC=DIR OUT=DIR [KIND=derive,synthetic] [KVM=LABEL]
#   make kcheck KSRC=DIR [KVM=ROW] [KIND=...] [KCHECK_SHOW=N disagreements printed]
#   make kharness KSRC=DIR        just build $(O)/kh/<tree>/kharness
#
# The tree is never modified; what is copied from it goes under $(O)/kh/.

KH_DIR  := kharness
KH_SRC  := $(wildcard $(KH_DIR)/*.c $(KH_DIR)/*.h $(KH_DIR)/include/*.h $(KH_DIR)/recipes/*.rcp $(KH_DIR)/kextract.py)
KH_TREE  = $(O)/kh/$(subst /,_,$(patsubst /%,%,$(abspath $(KSRC))))
KH_BIN   = $(KH_TREE)/kharness
KH_CC   ?= $(CC)
KH_JOBS ?= 2
KIND    ?= derive,synthetic

kh-need-ksrc:
	@test -n "$(KSRC)" || { echo "kharness: give the kernel tree: KSRC=DIR"; exit 2; }
	@test -d "$(KSRC)/arch/x86/kvm" || { echo "kharness: $(KSRC): no arch/x86/kvm in this tree"; exit 2; }

# Kernel code is compiled as it is: its own warnings are not the project's (-w).
# The driver, which has no kernel code, is held to the project's warnings.
$(KH_BIN): $(KH_SRC) | kh-need-ksrc
	@mkdir -p $(KH_TREE)
	python3 $(KH_DIR)/kextract.py --ksrc $(KSRC) --out $(KH_TREE)/gen
	$(KH_CC) -std=gnu11 -O1 -g -Wall -Wextra -I$(KH_DIR)/include -c -o $(KH_TREE)/main.o $(KH_DIR)/main.c
	$(KH_CC) -std=gnu11 -O1 -g -w -I$(KH_DIR)/include -I$(KH_DIR) -I$(KH_TREE)/gen \
	  -o $@ $(KH_TREE)/gen/kgen.c $(KH_TREE)/main.o

kharness: kh-need-ksrc
	@rm -f $(KH_BIN)
	@$(MAKE) --no-print-directory $(KH_BIN) KSRC=$(KSRC)

kcases: kharness
	@test -n "$(OUT)" || { echo "kharness: give the output folder: OUT=DIR"; exit 2; }
	python3 $(KH_DIR)/kcases.py --bin $(KH_BIN) --ksrc $(KSRC) $(if $(KVM),--kernel $(KVM)) \
	  --out $(OUT) --kind $(KIND) --jobs $(KH_JOBS)

kcheck: kharness $(O)/nvmx
	python3 $(KH_DIR)/kcheck.py --bin $(KH_BIN) --ksrc $(KSRC) --nvmx $(O)/nvmx \
	  $(if $(KVM),--kvm $(KVM)) --kind $(KIND) --jobs $(KH_JOBS) --tmp $(KH_TREE)/cases \
	  $(if $(KCHECK_SHOW),--show $(KCHECK_SHOW))

.PHONY: kh-need-ksrc kharness kcases kcheck

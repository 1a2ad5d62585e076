#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel harness's extractor (kharness/kextract.py) without a kernel tree:
# a small tree written here has the shapes real trees have (a function and
# its #else stub, a definition nested inside a false branch, a parameter
# behind CONFIG_BROKEN, a variable made by a macro, an enum return type, a
# struct behind an attribute), and a recipe picks from it.  Checked: the copy
# taken is the one the modelled configuration compiles, verbatim, after a
# #line naming its file and line; buried parameters are no parameters; a
# recipe is chosen by its detect lines, and a tree no recipe fits is refused.
set -u
. "$(dirname "$0")/lib.sh"
cd "$here" || exit 2
if ! command -v python3 >/dev/null 2>&1; then
	t_bail "python3 missing (scripts/install-deps.sh)"
fi
t=$tmp
mkdir -p "$t/tree/arch/x86/kvm/vmx" "$t/recipes" "$t/empty"
cat >"$t/tree/arch/x86/kvm/vmx/vmx.c" <<'EOF'
// a stand-in for a vendor file
#include "vmx.h"

static bool __read_mostly enable_foo = 1;
module_param_named(foo, enable_foo, bool, 0444);

int __read_mostly pt_mode = 0;
#ifdef CONFIG_BROKEN
module_param(pt_mode, int, 0444);
#endif

static DECLARE_BITMAP(vpid_bitmap, 16);

#if !IS_ENABLED(CONFIG_HYPERV)
static int pick(void) { return 0; }
#else
static int pick(void)
{
	return 1;	/* the live copy */
}
#endif

#ifndef CONFIG_X86_64
#ifdef CONFIG_HYPERV
static int deep(void) { return 32; }
#endif
#else
static int deep(void)
{
	return 64;
}
#endif

enum kind setup(struct vmcs_config *c,
		u32 caps)
{
	return pick() + deep();
}

struct __packed blob {
	u32 a;
};
EOF
cat >"$t/recipes/t.rcp" <<'EOF'
detect exists arch/x86/kvm/vmx/vmx.c
detect grep arch/x86/kvm/vmx/vmx.c ^enum kind setup
set KH_LAYOUT 999
setif arch/x86/kvm/vmx/vmx.c ^static\sint\spick KH_PICK 1
from arch/x86/kvm/vmx/vmx.c
var enable_foo pt_mode vpid_bitmap
func pick deep setup
type struct:blob
from? arch/x86/kvm/vmx/absent.c
func nothing_here
from arch/x86/kvm/vmx/vmx.c
params foo pt_mode?
EOF
cat >"$t/recipes/other.rcp" <<'EOF'
detect exists arch/x86/kvm/vmx/nested.c
EOF
check() { # check DESCRIPTION SCRIPT: ok when SCRIPT (eval'd, quiet) succeeds
	eval "$2" >/dev/null 2>&1
	t_is $? "$1"
}
gen="$t/gen"
check "the recipe whose detect lines hold is chosen" \
	'[ "$(python3 kharness/kextract.py --ksrc "$t/tree" --recipes "$t/recipes" --detect)" = t ]'
check "extraction succeeds" \
	'python3 kharness/kextract.py --ksrc "$t/tree" --recipes "$t/recipes" --out "$gen"'
check "the live copy of a function with an #else stub, verbatim, after its #line" \
	'grep -B1 -A3 "^static int pick(void)$" "$gen/kgen.c" | grep -q "^#line 17 .arch/x86/kvm/vmx/vmx.c.$" &&
	 grep -A3 "^static int pick(void)$" "$gen/kgen.c" | grep -q "the live copy"'
check "not its stub" '! grep -q "return 0; }" "$gen/kgen.c"'
check "a definition nested in a false branch is not taken" '! grep -q "return 32" "$gen/kgen.c" && grep -q "return 64" "$gen/kgen.c"'
check "a function returning an enum, split over lines, with its prototype" \
	'grep -q "^enum kind setup(struct vmcs_config \*c,$" "$gen/kgen.c" && grep -q "u32 caps);" "$gen/kgen.c"'
check "a variable made by a macro" 'grep -q "static DECLARE_BITMAP(vpid_bitmap, 16);" "$gen/kgen.c"'
check "a struct behind an attribute" 'grep -q "struct __packed blob {" "$gen/kgen.c"'
check "set and setif reach kh_layout.h, with KH_HAS_ for copied items" \
	'grep -q "KH_LAYOUT 999" "$gen/kh_layout.h" && grep -q "KH_PICK 1" "$gen/kh_layout.h" && grep -q "KH_HAS_deep 1" "$gen/kh_layout.h"'
check "lines after a missing from? file are skipped" '! grep -q nothing_here "$gen/kgen.c"'
check "a registered parameter is in the table" 'grep -q "\"foo\", &enable_foo" "$gen/kh_params.h"'
check "a parameter behind CONFIG_BROKEN is none" '! grep -q "\"pt_mode\"" "$gen/kh_params.h"'
check "a tree no recipe fits is refused (exit 2, says so)" \
	'python3 kharness/kextract.py --ksrc "$t/empty" --recipes "$t/recipes" --out "$t/g2"; [ $? -eq 2 ] && python3 kharness/kextract.py --ksrc "$t/empty" --recipes "$t/recipes" --out "$t/g2" 2>&1 | grep -q "no recipe matches"'
check "every project recipe parses and none matches an empty tree" \
	'python3 kharness/kextract.py --ksrc "$t/empty" --detect 2>&1 | grep -q "no recipe matches this tree ()"'
t_done

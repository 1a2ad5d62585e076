#!/usr/bin/env bash
# make install puts the binary, library, headers, man page and pkg-config
# file where a VMM's build expects them, and a program links against them;
# the bundled dumps go to share/nvmx/hosts, where the installed nvmx finds
# them by name from any directory (and NVMX_DATA / --dumps elsewhere).
set -u
. "$(dirname "$0")/lib.sh"
t_plan 7
# A build of its own, free of the sanitizer flags a calling make may pass down.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS \
	make -s -C "$here" O="$tmp/build" install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/log" 2>&1
rc=$?
for f in usr/bin/nvmx usr/lib/libnvmx.a usr/include/nvmx/nvmx.h usr/share/man/man1/nvmx.1 \
	 usr/lib/pkgconfig/libnvmx.pc; do
	[ -f "$tmp/root/$f" ] || { rc=1; echo "# missing $f"; }
done
[ $rc = 0 ]
t_is $? "make install DESTDIR PREFIX installs all five artefacts" || t_diag "make install"
cat > "$tmp/vmm.c" <<'C'
#include <stdio.h>
#include <nvmx/nvmx.h>
int main(void)
{
	struct nvmx_host h = { 0 };
	struct nvmx_kvm kvm;
	nvmx_msrs_set(&h.msrs, NVMX_BASIC, 0x00da040000000004ull);
	nvmx_msrs_set(&h.msrs, NVMX_PINBASED, 0x0000007f00000016ull);
	nvmx_msrs_set(&h.msrs, NVMX_PROCBASED, 0xfff9fffe0401e172ull);
	nvmx_msrs_set(&h.msrs, NVMX_EXIT, 0x01ffffff00036dffull);
	nvmx_msrs_set(&h.msrs, NVMX_ENTRY, 0x0003ffff000011ffull);
	nvmx_msrs_set(&h.msrs, NVMX_MISC, 0x000000007004c1e7ull);
	nvmx_msrs_set(&h.msrs, NVMX_PROCBASED2, 0x001ffcff00000000ull);
	nvmx_msrs_set(&h.msrs, NVMX_EPT_VPID_CAP, 0x00000f0106334141ull);
	nvmx_kvm_load(&kvm, &h, nvmx_kernel_find("6.1"), NULL);
	printf("%d %016llx\n", kvm.status, (unsigned long long)nvmx_caps_read(&kvm.caps, NVMX_BASIC));
	return 0;
}
C
flags=$(PKG_CONFIG_SYSROOT_DIR="$tmp/root" PKG_CONFIG_LIBDIR="$tmp/root/usr/lib/pkgconfig" \
	pkg-config --cflags --libs libnvmx 2>/dev/null)
if [ -z "$flags" ]; then	# no pkg-config: read the .pc file as a VMM's build would
	flags="-I$tmp/root/usr/include -L$tmp/root/usr/lib -lnvmx"
fi
cc -std=c11 -o "$tmp/vmm" "$tmp/vmm.c" $flags 2>"$tmp/cc.log"
t_is $? "a program builds against the installed library ($flags)" || sed 's/^/# /' "$tmp/cc.log"
out=$("$tmp/vmm" 2>&1)
[ "$out" = "0 00d8100011e57ed0" ]
t_is $? "and derives the i7-6700K's nested BASIC (0x00d8100011e57ed0)" || t_diag "got '$out'"
grep -q '^Libs: -L${libdir} -lnvmx$' "$tmp/root/usr/lib/pkgconfig/libnvmx.pc" && grep -q '^prefix=/usr$' "$tmp/root/usr/lib/pkgconfig/libnvmx.pc"
t_is $? "libnvmx.pc names the prefix and the library" || t_diag "libnvmx.pc"
n=$(ls "$tmp/root/usr/share/nvmx/hosts/"*.msrs 2>/dev/null | wc -l)
want=$(ls "$here/data/hosts/"*.msrs | wc -l)
[ "$n" = "$want" ]
t_is $? "the $want bundled dumps are installed in share/nvmx/hosts" || t_diag "$n of $want dumps installed"
out=$(cd / && env -u NVMX_DATA "$tmp/root/usr/bin/nvmx" derive intel-xeon-platinum-8180 --kvm 6.1 2>&1 | head -n 1)
[ "$out" = "KVM 6.1 on Intel Xeon Platinum 8180: kvm_intel loads" ]
t_is $? "the installed nvmx finds a bundled dump by name from /" || t_diag "got '$out'"
mkdir -p "$tmp/data/hosts" && cp "$here/data/hosts/intel-celeron-j6412.msrs" "$tmp/data/hosts/only-this.msrs"
a=$(cd / && NVMX_DATA="$tmp/data" "$tmp/root/usr/bin/nvmx" derive only-this --kvm 6.1 2>&1 | head -n 1)
b=$(cd / && "$tmp/root/usr/bin/nvmx" --dumps "$tmp/data/hosts" derive only-this.msrs --kvm 6.1 2>&1 | head -n 1)
[ "$a" = "KVM 6.1 on Intel Celeron J6412: kvm_intel loads" ] && [ "$a" = "$b" ]
t_is $? "NVMX_DATA and --dumps name another dumps directory" || t_diag "got '$a' / '$b'"
t_done

#!/usr/bin/env bash
# Prepares the IPVS test VM's assets under .build-ipvs-vm/ (git-ignored), idempotently:
#   - the Debian kernel that linux-image-amd64 depends on (apt-get download + dpkg-deb -x; never installed),
#   - busybox from the busybox-static .deb (not installed: it conflicts with busybox),
#   - an initramfs (busybox cpio) with busybox, the modules IPVS/ipset/netfilter/9p need, and /init (init.sh).
# Prints the cache directory. Needs apt (Debian bookworm) and network access to the Debian mirror the first time.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=${IPVS_VM_CACHE:-$PWD/.build-ipvs-vm}
mkdir -p "$cache"
here=scripts/ipvs-vm

kpkg=${IPVS_VM_KERNEL_PACKAGE:-}
if [ -z "$kpkg" ]; then
    if [ -f "$cache/kernel-package" ]; then
        kpkg=$(cat "$cache/kernel-package")
    else
        kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
        [ -n "$kpkg" ] || { echo "error: cannot resolve the kernel package linux-image-amd64 depends on" >&2; exit 1; }
    fi
fi
echo "$kpkg" > "$cache/kernel-package"

stamp="$cache/initrd-$kpkg.stamp"
if [ -f "$stamp" ] && [ "$stamp" -nt "$here/init.sh" ] && [ -f "$cache/initrd.cpio.gz" ] && [ -f "$cache/vmlinuz" ]; then
    echo "$cache"
    exit 0
fi

debs="$cache/debs"
mkdir -p "$debs"
if ! ls "$debs/$kpkg"_*.deb >/dev/null 2>&1; then
    (cd "$debs" && apt-get download -qq "$kpkg") >&2
fi
if ! ls "$debs"/busybox-static_*.deb >/dev/null 2>&1; then
    (cd "$debs" && apt-get download -qq busybox-static) >&2
fi

kroot="$cache/kernel-root"
if [ ! -d "$kroot/lib/modules" ]; then
    rm -rf "$kroot" && mkdir -p "$kroot"
    dpkg-deb -x "$debs/$kpkg"_*.deb "$kroot"
fi
bbroot="$cache/busybox-root"
if [ ! -x "$bbroot/bin/busybox" ]; then
    rm -rf "$bbroot" && mkdir -p "$bbroot"
    dpkg-deb -x "$debs"/busybox-static_*.deb "$bbroot"
fi
bb="$bbroot/bin/busybox"
kver=$(ls "$kroot/lib/modules" | head -1)
cp "$kroot/boot/vmlinuz-$kver" "$cache/vmlinuz"
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || "$bb" depmod -b "$kroot" "$kver"

# The modules to load, in order, with their dependencies first (modules.dep), crc32c_generic before libcrc32c.
wanted=(crc32c_generic virtio_pci 9pnet_virtio 9p dummy veth
    nf_conntrack nf_nat ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh ip_vs_lc ip_vs_wlc
    ip_set ip_set_hash_ip ip_set_hash_ipport ip_set_hash_ipportip ip_set_hash_ipportnet ip_set_bitmap_port
    x_tables ip_tables iptable_nat iptable_filter iptable_mangle nf_tables nft_compat nft_chain_nat
    xt_set xt_mark xt_comment xt_addrtype xt_conntrack xt_MASQUERADE xt_nat xt_physdev xt_ipvs xt_tcpudp
    ipt_REJECT nf_reject_ipv4 xt_statistic xt_recent nft_ct nft_masq br_netfilter)
declare -A seen=()
order=()
resolve() {
    local name=$1 line path deps dep
    line=$(grep -E "(^|/)${name//_/[_-]}\.ko(\.xz|\.zst)?:" "$kroot/lib/modules/$kver/modules.dep" | head -1) || true
    [ -n "$line" ] || { echo "warning: module $name not in $kpkg" >&2; return; }
    path=${line%%:*}
    [ -z "${seen[$path]:-}" ] || return 0
    seen[$path]=1
    deps=${line#*:}
    for dep in $deps; do
        dep=$(basename "$dep"); dep=${dep%%.ko*}
        resolve "$dep"
    done
    order+=("$path")
}
resolve crc32c_generic
for m in "${wanted[@]}"; do resolve "$m"; done

staging="$cache/initrd-root"
rm -rf "$staging"
mkdir -p "$staging"/{bin,sbin,proc,sys,dev,tmp,host,share,etc,lib/modules}
cp "$bb" "$staging/bin/busybox"
for applet in $("$bb" --list); do
    [ -e "$staging/bin/$applet" ] || ln -s busybox "$staging/bin/$applet"
done
: > "$staging/etc/modules-order"
for path in "${order[@]}"; do
    mkdir -p "$staging/lib/modules/$kver/$(dirname "$path")"
    cp "$kroot/lib/modules/$kver/$path" "$staging/lib/modules/$kver/$path"
    echo "/lib/modules/$kver/$path" >> "$staging/etc/modules-order"
done
cp "$kroot/lib/modules/$kver"/modules.* "$staging/lib/modules/$kver/" 2>/dev/null || true
cp "$here/init.sh" "$staging/init"
chmod +x "$staging/init"
(cd "$staging" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1) > "$cache/initrd.cpio.gz"
touch "$stamp"
echo "prepared $kpkg ($kver): ${#order[@]} modules" >&2
echo "$cache"

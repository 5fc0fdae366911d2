#!/usr/bin/env bash
# Boots the IPVS test VM (QEMU, TCG; the Debian kernel and initramfs from prepare.sh) and runs a command in it,
# chrooted into this machine's root (read-only, over 9p) at the same paths, with the real kernel's IPVS and ipset.
#
#   scripts/ipvs-vm/run.sh [--timeout SECONDS] -- COMMAND...
#
# The command's output is printed; the script exits with its status (124 on time-out, 125 when the VM did not
# report one). Example: scripts/ipvs-vm/run.sh -- ipvsadm -Ln
set -euo pipefail
cd "$(dirname "$0")/../.."
timeout_s=100
memory=${IPVS_VM_MEMORY:-1024}
while [ $# -gt 0 ]; do
    case $1 in
        --timeout) timeout_s=$2; shift 2 ;;
        --) shift; break ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--timeout SECONDS] -- COMMAND..." >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "error: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 2; }

cache=$(scripts/ipvs-vm/prepare.sh)
share=$(mktemp -d /tmp/ipvs-vm-share.XXXXXX)
trap 'rm -rf "$share"' EXIT
{
    echo "cd $(printf '%q' "$PWD")"
    echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp NODEAGENT_IPVS_VM=1"
    for var in $(compgen -e | grep -E '^NODEAGENT_' || true); do
        [ "$var" = NODEAGENT_IPVS_VM ] || echo "export $var=$(printf '%q' "${!var}")"
    done
    printf '%q ' "$@"
    echo
} > "$share/cmd"
# The working directory, so the guest can keep it visible where it mounts its own /tmp and /run (a clone under
# /tmp, as CI makes, would otherwise be hidden).
printf '%s\n' "$PWD" > "$share/workdir"

start=$SECONDS
set +e
timeout --foreground "$timeout_s" qemu-system-x86_64 -accel tcg,tb-size=64 -cpu max -m "$memory" -smp 1 \
    -nodefaults -display none -serial "file:$share/console" -nic none -no-reboot \
    -kernel "$cache/vmlinuz" -initrd "$cache/initrd.cpio.gz" -append "console=ttyS0 quiet panic=-1" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
qemu_status=$?
set -e
cat "$share/output" 2>/dev/null || true
if [ "$qemu_status" = 124 ]; then
    echo "error: the IPVS VM timed out after ${timeout_s}s; console:" >&2
    tail -20 "$share/console" >&2 || true
    exit 124
fi
status=$(tr -d '\r\n' < "$share/status" 2>/dev/null || true)
if [ -z "$status" ]; then
    echo "error: the IPVS VM reported no exit status (qemu exited $qemu_status); console:" >&2
    tail -30 "$share/console" >&2 || true
    exit 125
fi
echo "==> IPVS VM: exit $status after $((SECONDS - start)) s" >&2
exit "$status"

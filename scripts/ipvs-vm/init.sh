#!/bin/sh
# /init of the IPVS test VM: loads the modules, mounts the host's root (read-only) and a read-write share, runs
# the command the host put in /share/cmd under `chroot /host`, and reports its exit status on the console and in
# /share/status. Then powers off.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
while read -r m; do insmod "$m" 2>/dev/null; done < /etc/modules-order
echo /bin/modprobe > /proc/sys/kernel/modprobe
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 share /share
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro hostroot /host
# The host's working directory when it lies under /tmp or /run, which get the guest's own tmpfs below: keep it
# visible at the same path (read-only, like the rest of the host).
workdir=$(cat /share/workdir 2>/dev/null)
case "$workdir" in
    /tmp/*|/run/*)
        mkdir -p /mnt/workdir
        mount --bind "/host$workdir" /mnt/workdir ;;
    *) workdir= ;;
esac
# The chroot's own kernel file systems and a writable /tmp and /run.
mount -t proc proc /host/proc
mount -t sysfs sys /host/sys
mount -t devtmpfs dev /host/dev 2>/dev/null
mount -t tmpfs tmp /host/tmp
mount -t tmpfs run /host/run
mkdir -p /host/run/netns
if [ -n "$workdir" ]; then
    mkdir -p "/host$workdir"
    mount --bind /mnt/workdir "/host$workdir"
fi
# /etc/protocols and /etc/services in the guest's memory: glibc opens and reads them on every lookup (libipset looks
# a protocol up per set element, iptables-restore a protocol and a service per rule), and over 9p each open costs
# milliseconds, which made those lookups most of a 10k-service sync in the VM.
mkdir -p /mnt/etc
mount -t tmpfs etc /mnt/etc
for f in protocols services; do
    if [ -f "/host/etc/$f" ] && cp "/host/etc/$f" "/mnt/etc/$f"; then
        mount --bind "/mnt/etc/$f" "/host/etc/$f"
    fi
done
ip link set lo up
chroot /host /bin/ip link set lo up 2>/dev/null
mkdir -p /host/tmp/share
mount --bind /share /host/tmp/share
status=1
if [ -f /share/cmd ]; then
    chroot /host /bin/sh /tmp/share/cmd > /share/output 2>&1
    status=$?
fi
echo "$status" > /share/status
echo "IPVS-VM-EXIT-STATUS=$status"
sync
poweroff -f

#!/usr/bin/env bash
# setup-node.sh — prepare this Debian (bookworm) machine to run node-agent: a private
# containerd with the CRI plugin, a CNI bridge network and two locally built images.
#
# Run as root. Idempotent: a second run checks every step and changes nothing that is
# already right; a running, answering containerd of ours is kept (it is restarted only
# when its config.toml changed). The last line printed is always
#     CRI endpoint: unix:///run/node-agent/containerd/containerd.sock
#
# Steps:
#   1. apt packages (containerd, runc, CNI plugins, iptables, busybox-static, gcc, ...);
#      apt-get update only runs when something is missing.
#   2. /etc/node-agent/containerd/config.toml — a version 2 config of our own (root
#      /var/lib/node-agent/containerd, state /run/node-agent/containerd, its own gRPC and
#      ttrpc sockets). The Debian `containerd` service and /etc/containerd are not touched.
#   3. /etc/node-agent/cni/net.d/10-node-agent.conflist — bridge `nagent0` (gateway,
#      masquerade, hairpin) with host-local IPAM on 10.88.77.0/24 (or the first free
#      10.88.x.0/24 when that collides with a route on this host), then portmap.
#   4. Images, with no registry: registry.k8s.io/pause:3.9 from deploy/images/pause/pause.c
#      and docker.io/library/busybox:1.36 from Debian's busybox-static, written as OCI
#      archives to /var/lib/node-agent/images/ by deploy/images/build-oci.sh. Rebuilt only
#      when their inputs changed; builds are reproducible (same inputs, same digest).
#   5. sysctls (ip_forward, bridge-nf-call-iptables when br_netfilter is there), then
#      containerd started in the background (setsid; log /var/log/node-agent/containerd.log,
#      pid file /run/node-agent/containerd.pid), waiting until it answers and its CRI
#      plugin is loaded.
#   6. Images imported into the k8s.io namespace, unless present with the same digest.
#
# Paths can be overridden through the variables in deploy/node-env.sh (NODEAGENT_STATE_DIR,
# NODEAGENT_ETC_DIR, NODEAGENT_RUN_DIR, ...). Undo with deploy/teardown-node.sh.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
shopt -s inherit_errexit

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE_SCRIPT=setup-node
# shellcheck source=node-lib.sh
. "$DEPLOY_DIR/node-lib.sh"
# shellcheck source=images/build-oci.sh
. "$DEPLOY_DIR/images/build-oci.sh"

STARTED_AT=$(date +%s.%N)

# Write stdin to $1 if its content differs (atomically, mode $2); return 0 if it changed.
write_if_changed() {
    local path=$1 mode=$2 tmp
    tmp=$(mktemp "$path.XXXXXX")
    cat >"$tmp"
    chmod "$mode" "$tmp"
    if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
        rm -f "$tmp"
        return 1
    fi
    mv -f "$tmp" "$path"
    return 0
}

# ---------------------------------------------------------------------------------------
# 1. Packages
# ---------------------------------------------------------------------------------------
PACKAGES=(
    containerd runc containernetworking-plugins
    iptables ipset conntrack iproute2 kmod procps ca-certificates
    openssl  # the kubelet API's self-signed serving certificate (and the fake API server's test PKI)
    socat  # the service proxy's network-namespace tests: small TCP/UDP backends and clients
    busybox-static
    protobuf-compiler libseccomp-dev libnl-3-dev libnl-genl-3-dev libipset-dev gcc libc6-dev
    qemu-system-x86 ipvsadm  # IPVS mode: the QEMU VM its kernel tests run in (scripts/ipvs-vm), and ipvsadm
)

pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }

install_packages() {
    step "Installing Debian packages"
    local -a missing=()
    local p
    for p in "${PACKAGES[@]}"; do
        if [ "$p" = busybox-static ] && pkg_installed busybox; then
            # busybox-static conflicts with an installed `busybox`; take its binary from the .deb instead.
            continue
        fi
        pkg_installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        info "all ${#PACKAGES[@]} packages already installed"
        return
    fi
    info "missing: ${missing[*]}"
    local t0
    t0=$(date +%s.%N)
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    info "installed ${#missing[@]} packages in $(elapsed "$t0")s"
}

# The static busybox binary used for the busybox image.
busybox_static_binary() {
    if pkg_installed busybox-static; then
        echo /bin/busybox
        return
    fi
    local cache=$NODEAGENT_STATE_DIR/cache/busybox-static
    if [ ! -x "$cache/bin/busybox" ]; then
        mkdir -p "$cache"
        (cd "$cache" && apt-get download -qq busybox-static && dpkg-deb -x busybox-static_*.deb .) >&2
    fi
    echo "$cache/bin/busybox"
}

# ---------------------------------------------------------------------------------------
# 2. containerd config
# ---------------------------------------------------------------------------------------
CONTAINERD_CONFIG_CHANGED=false

write_containerd_config() {
    step "Writing containerd config $CONTAINERD_CONFIG"
    mkdir -p "$(dirname "$CONTAINERD_CONFIG")"
    if write_if_changed "$CONTAINERD_CONFIG" 0644 <<EOF; then
# Generated by node-agent deploy/setup-node.sh: the agent's private containerd.
# Do not edit; change setup-node.sh and re-run it.
version = 2
root = "$CONTAINERD_ROOT"
state = "$CONTAINERD_STATE"
oom_score = 0
# Plugins this node never uses (fewer warnings, faster start).
disabled_plugins = [
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
]

[grpc]
  address = "$CONTAINERD_SOCK"
  uid = 0
  gid = 0

[ttrpc]
  address = "$CONTAINERD_TTRPC_SOCK"

[debug]
  level = "info"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$PAUSE_IMAGE"
    # Root lacks CAP_SYS_RESOURCE here: never try to lower oom_score_adj below containerd's own.
    restrict_oom_score_adj = true
    # cgroup v1 hybrid hosts keep hugetlb in the unified hierarchy only.
    tolerate_missing_hugetlb_controller = true
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$CNI_BIN_DIR"
      conf_dir = "$CNI_CONF_DIR"
      max_conf_num = 1
EOF
        CONTAINERD_CONFIG_CHANGED=true
        info "written"
    else
        info "unchanged"
    fi
}

# ---------------------------------------------------------------------------------------
# 3. CNI network
# ---------------------------------------------------------------------------------------

# Print the first IPv4 route (any table, except those of our own bridge) overlapping $1.
subnet_collision() {
    local subnet=$1 line dst
    local -a f
    while read -r line; do
        [[ $line == *" dev $CNI_BRIDGE "* || $line == *" dev $CNI_BRIDGE" ]] && continue
        read -ra f <<<"$line"
        dst=${f[0]:-}
        case "$dst" in
            unicast | local | broadcast | multicast | anycast | blackhole | unreachable | prohibit | throw | nat) dst=${f[1]:-} ;;
        esac
        [[ $dst =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?$ ]] || continue
        if prefixes_overlap "$subnet" "$dst"; then
            echo "$line"
            return 0
        fi
    done < <(ip -4 route show table all 2>/dev/null)
    return 1
}

choose_pod_subnet() {
    local -a candidates=()
    local existing="" c clash i
    if [ -f "$CNI_CONFLIST" ]; then
        existing=$(sed -n 's/.*"subnet": *"\([0-9./]*\)".*/\1/p' "$CNI_CONFLIST" | head -n 1)
        [ -z "$existing" ] || candidates+=("$existing")
    fi
    [ "$existing" = "$POD_SUBNET_DEFAULT" ] || candidates+=("$POD_SUBNET_DEFAULT")
    for i in $(seq 78 99); do candidates+=("10.88.$i.0/24"); done
    for c in "${candidates[@]}"; do
        if clash=$(subnet_collision "$c"); then
            info "subnet $c collides with route: $clash" >&2
            continue
        fi
        echo "$c"
        return
    done
    die "no free pod subnet among ${candidates[*]}"
}

write_cni_config() {
    step "Writing CNI network $CNI_CONFLIST"
    mkdir -p "$CNI_CONF_DIR"
    POD_SUBNET=$(choose_pod_subnet)
    export POD_SUBNET
    # containerd loads only the first file (max_conf_num = 1); keep the directory to ours.
    local f
    for f in "$CNI_CONF_DIR"/*; do
        if [ -e "$f" ] && [ "$f" != "$CNI_CONFLIST" ]; then
            info "removing foreign $f"
            rm -f "$f"
        fi
    done
    if write_if_changed "$CNI_CONFLIST" 0644 <<EOF; then
{
  "cniVersion": "1.0.0",
  "name": "$CNI_NETWORK_NAME",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$POD_SUBNET" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    {
      "type": "portmap",
      "capabilities": { "portMappings": true }
    }
  ]
}
EOF
        info "written (bridge $CNI_BRIDGE, subnet $POD_SUBNET)"
    else
        info "unchanged (bridge $CNI_BRIDGE, subnet $POD_SUBNET)"
    fi
}

# ---------------------------------------------------------------------------------------
# 4. Images
# ---------------------------------------------------------------------------------------

# Build archive $2 with builder function $3 unless the recorded input key $1 matches.
# Sets IMAGE_DIGEST to the archive's manifest digest.
build_image_cached() {
    local key=$1 archive=$2 builder=$3
    local stamp=$archive.inputs digest_file=$archive.digest
    if [ -f "$archive" ] && [ -f "$digest_file" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
        IMAGE_DIGEST=$(cat "$digest_file")
        info "$(basename "$archive"): up to date ($IMAGE_DIGEST)"
        return
    fi
    local t0
    t0=$(date +%s.%N)
    IMAGE_DIGEST=$("$builder" "$archive")
    echo "$IMAGE_DIGEST" >"$digest_file"
    echo "$key" >"$stamp"
    info "$(basename "$archive"): built in $(elapsed "$t0")s ($IMAGE_DIGEST, $(stat -c %s "$archive") bytes)"
}

build_pause_archive() {
    local out=$1 rootfs
    rootfs=$(mktemp -d)
    gcc -static -Os -Wall -Wextra -o "$rootfs/pause" "$DEPLOY_DIR/images/pause/pause.c"
    strip "$rootfs/pause"
    chmod 0755 "$rootfs" "$rootfs/pause"
    build_oci_archive --rootfs "$rootfs" --ref "$PAUSE_IMAGE" --entrypoint '["/pause"]' --out "$out"
    rm -rf "$rootfs"
}

build_busybox_archive() {
    local out=$1 rootfs bb applet
    bb=$(busybox_static_binary)
    rootfs=$(mktemp -d)
    (
        umask 022
        cd "$rootfs"
        mkdir -p bin etc proc sys dev tmp root home var/tmp usr/bin usr/sbin
        cp "$bb" bin/busybox
        chmod 0755 bin/busybox
        for applet in $(bin/busybox --list); do
            [ "$applet" = busybox ] || ln -s busybox "bin/$applet"
        done
        ln -s ../../bin/env usr/bin/env
        printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' >etc/passwd
        printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >etc/group
        chmod 1777 tmp var/tmp
        chmod 0700 root
    )
    chmod 0755 "$rootfs"
    build_oci_archive --rootfs "$rootfs" --ref "$BUSYBOX_IMAGE" --cmd '["sh"]' --out "$out"
    rm -rf "$rootfs"
}

PAUSE_DIGEST="" BUSYBOX_DIGEST=""

build_images() {
    step "Building images in $NODEAGENT_IMAGES_DIR"
    mkdir -p "$NODEAGENT_IMAGES_DIR"
    local recipe key bb
    recipe=$(cat "$DEPLOY_DIR/images/build-oci.sh" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)

    key="$recipe $(sha256sum <"$DEPLOY_DIR/images/pause/pause.c" | cut -d' ' -f1) $(gcc -dumpfullversion)"
    build_image_cached "$key" "$NODEAGENT_IMAGES_DIR/pause.tar" build_pause_archive
    PAUSE_DIGEST=$IMAGE_DIGEST

    bb=$(busybox_static_binary)
    key="$recipe $(sha256sum <"$bb" | cut -d' ' -f1)"
    build_image_cached "$key" "$NODEAGENT_IMAGES_DIR/busybox.tar" build_busybox_archive
    BUSYBOX_DIGEST=$IMAGE_DIGEST
}

# ---------------------------------------------------------------------------------------
# 5. Kernel settings and containerd
# ---------------------------------------------------------------------------------------

set_sysctl() {
    local key=$1 want=$2 file
    file=/proc/sys/${key//.//}
    [ -e "$file" ] || return 0
    if [ "$(cat "$file")" != "$want" ]; then
        echo "$want" >"$file"
        info "$key = $want"
    fi
}

configure_kernel() {
    step "Kernel settings"
    if [ ! -e /proc/sys/net/bridge/bridge-nf-call-iptables ] && command -v modprobe >/dev/null; then
        modprobe br_netfilter 2>/dev/null || info "br_netfilter not loadable (bridged pod traffic skips iptables)"
    fi
    if ! grep -qw overlay /proc/filesystems && command -v modprobe >/dev/null; then
        modprobe overlay 2>/dev/null || true
    fi
    grep -qw overlay /proc/filesystems || die "the kernel has no overlay file system (needed by the overlayfs snapshotter)"
    set_sysctl net.ipv4.ip_forward 1
    set_sysctl net.bridge.bridge-nf-call-iptables 1
    set_sysctl net.bridge.bridge-nf-call-ip6tables 1
    info "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)" \
        "bridge-nf-call-iptables=$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo n/a)"
}

start_containerd() {
    step "Starting containerd ($CONTAINERD_SOCK)"
    local pid t0
    pid=$(containerd_pid)
    if [ -n "$pid" ]; then
        if ! $CONTAINERD_CONFIG_CHANGED && containerd_answers && [ "$(cri_status)" = ok ]; then
            echo "$pid" >"$CONTAINERD_PIDFILE"
            info "already running (pid $pid) and answering; keeping it"
            return
        fi
        if $CONTAINERD_CONFIG_CHANGED; then
            info "config changed: restarting containerd (pid $pid); running pods are kept"
        else
            info "containerd (pid $pid) does not answer: restarting it"
        fi
        stop_containerd "$pid"
    fi
    t0=$(date +%s.%N)
    pid=$(launch_containerd)
    info "running (pid $pid); CRI plugin ok after $(elapsed "$t0")s"
}

# ---------------------------------------------------------------------------------------
# 6. Import
# ---------------------------------------------------------------------------------------

import_image() {
    local ref=$1 archive=$2 digest=$3 current
    current=$(nactr images ls "name==$ref" 2>/dev/null | awk -v r="$ref" '$1 == r { print $3 }')
    if [ "$current" = "$digest" ]; then
        info "$ref: present ($digest)"
        return
    fi
    nactr images import "$archive" >/dev/null
    current=$(nactr images ls "name==$ref" | awk -v r="$ref" '$1 == r { print $3 }')
    [ "$current" = "$digest" ] || die "$ref: after import the digest is '$current', expected $digest"
    info "$ref: imported ($digest)"
}

import_images() {
    step "Importing images into namespace $CONTAINERD_NAMESPACE"
    import_image "$PAUSE_IMAGE" "$NODEAGENT_IMAGES_DIR/pause.tar" "$PAUSE_DIGEST"
    import_image "$BUSYBOX_IMAGE" "$NODEAGENT_IMAGES_DIR/busybox.tar" "$BUSYBOX_DIGEST"
}

main() {
    [ "$(id -u)" = 0 ] || die "run me as root"
    install_packages
    write_containerd_config
    write_cni_config
    build_images
    configure_kernel
    start_containerd
    import_images
    step "Node ready in $(elapsed "$STARTED_AT")s (bridge $CNI_BRIDGE, pod subnet $POD_SUBNET, log $CONTAINERD_LOG)"
    echo "CRI endpoint: $CRI_ENDPOINT"
}

main "$@"

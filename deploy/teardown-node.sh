#!/usr/bin/env bash
# teardown-node.sh — undo deploy/setup-node.sh at run time: remove every pod, stop the
# node-agent's private containerd and clean up what pods leave on the host.
#
# Usage: teardown-node.sh [--purge]
#
# Run as root, with node-agent itself stopped (a running agent would recreate its pods).
# Idempotent: it succeeds when run twice, or when nothing was ever set up.
#
#   1. Pods are removed through the CRI (StopPodSandbox + RemovePodSandbox, so CNI DEL runs)
#      with `node-agent runtime remove-pods --container-runtime-endpoint $CRI_ENDPOINT`, taken
#      from $NODE_AGENT_BIN or the newest of .build/{release,debug}/node-agent in this repo.
#      Whatever is left (or everything, without that binary) is killed and removed with ctr.
#      If containerd is down but shims of ours still run, it is started first for this.
#   2. containerd is stopped by its pid: TERM, up to 20 s, then KILL. Leftover runc containers
#      whose bundles are ours and our containerd-shims are killed.
#   3. Every mount under /run/node-agent and /var/lib/node-agent/containerd (rootfs overlays,
#      sandbox shm, network namespaces) is unmounted and the runtime state directory
#      /run/node-agent/containerd is removed.
#   4. Network: veths on the bridge, the `nagent0` bridge, the CNI iptables rules and chains
#      of our network (comments naming it, or addresses in the pod subnet) — and the shared
#      CNI-HOSTPORT-* chains once no port mapping of anyone is left in them — and the
#      host-local leases and CNI result cache of our network (/var/lib/cni/...).
#   5. Empty cgroups of the removed containers.
#
# Kept by default, so that the next setup-node.sh is fast: the config under /etc/node-agent,
# the image archives and containerd's content store (imported images) under
# /var/lib/node-agent, and the log under /var/log/node-agent. Debian packages and sysctls
# are never undone.
#   --purge   also delete /etc/node-agent, /var/lib/node-agent, /run/node-agent and
#             /var/log/node-agent.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
shopt -s inherit_errexit

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$DEPLOY_DIR/.." && pwd)
NODE_SCRIPT=teardown-node
# shellcheck source=node-lib.sh
. "$DEPLOY_DIR/node-lib.sh"

PURGE=false
STARTED_AT=$(date +%s.%N)
# Container IDs seen on the way (for CNI caches and cgroups).
declare -A SEEN_IDS=()

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

# ---------------------------------------------------------------------------------------
# 1. Pods
# ---------------------------------------------------------------------------------------

find_node_agent_bin() {
    if [ -n "${NODE_AGENT_BIN:-}" ]; then
        if [ -x "$NODE_AGENT_BIN" ]; then echo "$NODE_AGENT_BIN"; else warn "NODE_AGENT_BIN=$NODE_AGENT_BIN is not executable"; fi
        return 0
    fi
    local -a found=()
    local c
    for c in "$REPO_ROOT/.build/release/node-agent" "$REPO_ROOT/.build/debug/node-agent"; do
        [ -x "$c" ] && found+=("$c")
    done
    # shellcheck disable=SC2012 # the newest of two fixed paths
    [ ${#found[@]} -eq 0 ] || ls -t "${found[@]}" | head -n 1
}

remember_ids() {
    local id
    for id in "$@"; do SEEN_IDS[$id]=1; done
}

remove_pods_with_agent() {
    local bin rc=0
    bin=$(find_node_agent_bin)
    if [ -z "$bin" ]; then
        info "no node-agent binary (set NODE_AGENT_BIN or build one): using ctr"
        return 0
    fi
    info "$bin runtime remove-pods"
    timeout 300 "$bin" runtime remove-pods --container-runtime-endpoint "$CRI_ENDPOINT" || rc=$?
    [ "$rc" -eq 0 ] || warn "node-agent runtime remove-pods failed (exit $rc): using ctr for what is left"
}

# Kill and remove every task and container of the k8s.io namespace (no CNI DEL: the network
# is cleaned up by hand below).
remove_pods_with_ctr() {
    local -a ids=() running=()
    local id deadline status
    mapfile -t ids < <(nactr containers ls -q 2>/dev/null || true)
    if [ ${#ids[@]} -eq 0 ]; then
        info "no containers left"
        return 0
    fi
    remember_ids "${ids[@]}"
    info "removing ${#ids[@]} containers with ctr"
    for id in "${ids[@]}"; do
        nactr tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    deadline=$((SECONDS + 30))
    for id in "${ids[@]}"; do
        while [ $SECONDS -lt $deadline ]; do
            status=$(nactr tasks ls 2>/dev/null | awk -v id="$id" '$1 == id { print $3 }')
            [ -z "$status" ] || [ "$status" = STOPPED ] && break
            sleep 0.05
        done
        nactr tasks rm -f "$id" >/dev/null 2>&1 || true
        nactr containers rm "$id" >/dev/null 2>&1 || warn "ctr containers rm $id failed"
    done
    mapfile -t running < <(nactr containers ls -q 2>/dev/null || true)
    [ ${#running[@]} -eq 0 ] || warn "containers still present: ${running[*]}"
}

remove_pods() {
    step "Removing pods"
    local pid shims
    pid=$(containerd_pid)
    shims=$(our_shim_pids | wc -l)
    if [ -z "$pid" ] && [ "$shims" -gt 0 ] && [ -f "$CONTAINERD_CONFIG" ] && command -v containerd >/dev/null; then
        info "containerd is down but $shims shims of ours run: starting it to remove their pods"
        if pid=$(launch_containerd); then
            info "started (pid $pid)"
        else
            warn "could not start containerd; pods will be killed directly"
            pid=""
        fi
    fi
    if [ -z "$pid" ] || ! containerd_answers; then
        info "containerd is not running"
        return 0
    fi
    remove_pods_with_agent
    remove_pods_with_ctr
}

# ---------------------------------------------------------------------------------------
# 2. Processes
# ---------------------------------------------------------------------------------------

stop_our_containerd() {
    step "Stopping containerd"
    local pid
    pid=$(containerd_pid)
    if [ -z "$pid" ]; then
        info "not running"
        rm -f "$CONTAINERD_PIDFILE"
        return 0
    fi
    stop_containerd "$pid"
    info "stopped (pid $pid)"
}

# Containers still known to runc whose bundle is under our state dir (the runc root is shared
# with any other containerd's k8s.io namespace, so filter by bundle).
our_runc_ids() {
    local root=/run/containerd/runc/$CONTAINERD_NAMESPACE
    [ -d "$root" ] && command -v runc >/dev/null || return 0
    runc --root "$root" list 2>/dev/null | awk -v s="$CONTAINERD_STATE/" 'NR > 1 && index($4, s) == 1 { print $1 }'
}

kill_leftovers() {
    step "Killing leftover containers and shims"
    local -a ids=() shims=()
    local id pid deadline root=/run/containerd/runc/$CONTAINERD_NAMESPACE
    mapfile -t ids < <(our_runc_ids)
    if [ ${#ids[@]} -gt 0 ]; then
        remember_ids "${ids[@]}"
        info "runc: killing ${#ids[@]} containers"
        for id in "${ids[@]}"; do
            runc --root "$root" kill --all "$id" KILL >/dev/null 2>&1 || true
        done
        for id in "${ids[@]}"; do
            runc --root "$root" delete --force "$id" >/dev/null 2>&1 || warn "runc delete $id failed"
        done
    fi
    mapfile -t shims < <(our_shim_pids)
    if [ ${#shims[@]} -gt 0 ]; then
        info "killing ${#shims[@]} containerd-shims of ours"
        kill -TERM "${shims[@]}" 2>/dev/null || true
        deadline=$((SECONDS + 5))
        for pid in "${shims[@]}"; do
            while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
            if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
        done
    fi
    [ ${#ids[@]} -gt 0 ] || [ ${#shims[@]} -gt 0 ] || info "none"
}

# ---------------------------------------------------------------------------------------
# 3. Mounts and runtime state
# ---------------------------------------------------------------------------------------

# Mount points under our directories, deepest first.
our_mounts() {
    awk -v a="$NODEAGENT_RUN_DIR/" -v b="$CONTAINERD_ROOT/" -v c="$CONTAINERD_STATE/" '
        { p = $5; if (index(p "/", a) == 1 || index(p "/", b) == 1 || index(p "/", c) == 1) print length(p), p }' \
        /proc/self/mountinfo | sort -rn | cut -d' ' -f2- | uniq
}

unmount_all() {
    step "Unmounting"
    local -a mounts=()
    local m n=0
    for _ in 1 2 3; do
        mapfile -t mounts < <(our_mounts)
        [ ${#mounts[@]} -gt 0 ] || break
        for m in "${mounts[@]}"; do
            m=$(printf '%b' "$m") # mountinfo escapes spaces as \040
            if umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; then n=$((n + 1)); fi
        done
    done
    mapfile -t mounts < <(our_mounts)
    [ ${#mounts[@]} -eq 0 ] || die "still mounted: ${mounts[*]}"
    info "$n unmounted"
    if [ -d "$CONTAINERD_STATE" ]; then
        rm -rf --one-file-system "$CONTAINERD_STATE"
        info "removed $CONTAINERD_STATE"
    fi
}

# ---------------------------------------------------------------------------------------
# 4. Network
# ---------------------------------------------------------------------------------------

# Does the iptables-save rule $1 belong to our network: its comment names the network, or an
# address or prefix in it lies inside the pod subnet?
rule_is_ours() {
    local rule=$1 a
    [[ $rule == *"\\\"$CNI_NETWORK_NAME\\\""* ]] && return 0
    while read -r a; do
        prefix_within "$a" "$POD_SUBNET" && return 0
    done < <(grep -oE '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(/[0-9]+)?' <<<"$rule" || true)
    return 1
}

# Remove, in table $1, the CNI rules of our network and the per-pod CNI chains they use.
clean_iptables_table() {
    local table=$1 dump line chain target n=0
    dump=$(iptables-save -t "$table" 2>/dev/null) || return 0
    declare -A drop=()
    local -a delete_rules=()
    # Pass 1: per-pod chains (CNI-*, not the shared CNI-HOSTPORT-*) that hold or are reached
    # by a rule of ours.
    while read -r line; do
        [[ $line == "-A "* ]] || continue
        chain=$(awk '{ print $2 }' <<<"$line")
        target=$(sed -n 's/.* -j \([^ ]*\).*/\1/p' <<<"$line")
        [[ $chain == CNI-* || $target == CNI-* ]] || continue
        rule_is_ours "$line" || continue
        [[ $chain == CNI-* && $chain != CNI-HOSTPORT-* ]] && drop[$chain]=1
        [[ $target == CNI-* && $target != CNI-HOSTPORT-* ]] && drop[$target]=1
        [[ $chain != CNI-* || $chain == CNI-HOSTPORT-* ]] && delete_rules+=("-D ${line#-A }")
    done <<<"$dump"
    # Pass 2: every other rule jumping into a dropped chain.
    while read -r line; do
        [[ $line == "-A "* ]] || continue
        chain=$(awk '{ print $2 }' <<<"$line")
        target=$(sed -n 's/.* -j \([^ ]*\).*/\1/p' <<<"$line")
        if [ -z "$target" ] || [ -z "${drop[$target]:-}" ] || [ -n "${drop[$chain]:-}" ]; then continue; fi
        rule_is_ours "$line" && [[ $chain != CNI-* || $chain == CNI-HOSTPORT-* ]] && continue # already listed
        delete_rules+=("-D ${line#-A }")
    done <<<"$dump"
    [ ${#delete_rules[@]} -gt 0 ] || [ ${#drop[@]} -gt 0 ] || return 0
    {
        echo "*$table"
        printf '%s\n' "${delete_rules[@]}"
        for chain in "${!drop[@]}"; do echo "-F $chain"; done
        for chain in "${!drop[@]}"; do echo "-X $chain"; done
        echo COMMIT
    } | iptables-restore --noflush
    n=$((${#delete_rules[@]}))
    info "iptables $table: removed $n rules and ${#drop[@]} chains of network $CNI_NETWORK_NAME"
}

# Remove the shared CNI-HOSTPORT-* chains of the nat table once no port mapping is left in them.
clean_hostport_chains() {
    local dump line chain
    dump=$(iptables-save -t nat 2>/dev/null) || return 0
    grep -q '^:CNI-HOSTPORT-DNAT ' <<<"$dump" || return 0
    if grep -q '^-A CNI-HOSTPORT-DNAT ' <<<"$dump"; then
        info "CNI-HOSTPORT-DNAT still has other networks' port mappings: kept"
        return 0
    fi
    local -a chains=()
    mapfile -t chains < <(sed -n 's/^:\(CNI-HOSTPORT-[^ ]*\) .*/\1/p' <<<"$dump")
    {
        echo "*nat"
        while read -r line; do
            [[ $line == "-A "* ]] || continue
            chain=$(awk '{ print $2 }' <<<"$line")
            [[ $chain == CNI-HOSTPORT-* ]] && continue
            [[ $line == *" -j CNI-HOSTPORT-"* ]] && echo "-D ${line#-A }"
        done <<<"$dump"
        for chain in "${chains[@]}"; do echo "-F $chain"; done
        for chain in "${chains[@]}"; do echo "-X $chain"; done
        echo COMMIT
    } | iptables-restore --noflush
    info "iptables nat: removed the unused ${chains[*]} chains"
}

clean_network() {
    step "Removing network ($CNI_BRIDGE, $POD_SUBNET)"
    local -a veths=()
    local v f id
    if ip link show "$CNI_BRIDGE" >/dev/null 2>&1; then
        mapfile -t veths < <(ip -o link show master "$CNI_BRIDGE" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')
        for v in "${veths[@]}"; do ip link del "$v" 2>/dev/null || true; done
        ip link del "$CNI_BRIDGE"
        info "deleted bridge $CNI_BRIDGE (and ${#veths[@]} veths)"
    else
        info "no bridge $CNI_BRIDGE"
    fi
    if command -v iptables-save >/dev/null; then
        local table
        for table in $(iptables-save 2>/dev/null | sed -n 's/^\*//p'); do
            clean_iptables_table "$table"
        done
        clean_hostport_chains
    fi
    if [ -d "$CNI_IPAM_DIR" ]; then
        rm -rf "$CNI_IPAM_DIR"
        info "released host-local leases ($CNI_IPAM_DIR)"
    fi
    # libcni's result cache: <network>-<container id>-<ifname>, plus the CRI's loopback entries.
    for f in /var/lib/cni/results/"$CNI_NETWORK_NAME"-*; do
        [ -e "$f" ] || continue
        id=${f#/var/lib/cni/results/"$CNI_NETWORK_NAME"-}
        id=${id%-*}
        remember_ids "$id"
        rm -f "$f" "/var/lib/cni/results/cni-loopback-$id-lo"
    done
}

# ---------------------------------------------------------------------------------------
# 5. cgroups
# ---------------------------------------------------------------------------------------

clean_cgroups() {
    step "Removing empty container cgroups"
    local id d n=0
    [ ${#SEEN_IDS[@]} -gt 0 ] || { info "none"; return 0; }
    for id in "${!SEEN_IDS[@]}"; do
        [[ $id =~ ^[0-9a-f]{64}$ ]] || continue
        while read -r d; do
            rmdir "$d" 2>/dev/null && n=$((n + 1))
        done < <(find /sys/fs/cgroup -mindepth 2 -maxdepth 7 -type d -name "$id" 2>/dev/null | sort -r)
    done
    info "$n removed"
}

purge() {
    step "Purging node-agent directories"
    local d
    for d in "$NODEAGENT_RUN_DIR" "$NODEAGENT_STATE_DIR" "$NODEAGENT_ETC_DIR" "$NODEAGENT_LOG_DIR"; do
        [ -e "$d" ] || continue
        [ -z "$(our_mounts)" ] || die "refusing to delete $d: mounts remain"
        rm -rf --one-file-system "$d"
        info "deleted $d"
    done
}

main() {
    while [ $# -gt 0 ]; do
        case "$1" in
            --purge) PURGE=true ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
        shift
    done
    [ "$(id -u)" = 0 ] || die "run me as root"
    # Collect the IDs of our containers before anything disappears.
    local d
    for d in "$CONTAINERD_STATE/io.containerd.runtime.v2.task/$CONTAINERD_NAMESPACE"/*; do
        [ -d "$d" ] && remember_ids "${d##*/}"
    done
    remove_pods
    stop_our_containerd
    kill_leftovers
    unmount_all
    clean_network
    clean_cgroups
    ! $PURGE || purge
    step "Node torn down in $(elapsed "$STARTED_AT")s"
}

main "$@"

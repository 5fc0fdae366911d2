# shellcheck shell=bash source-path=SCRIPTDIR
# node-lib.sh — functions shared by setup-node.sh and teardown-node.sh: progress output, and
# finding, starting and stopping the node-agent's private containerd. Sources node-env.sh.
# Callers run with `set -euo pipefail` and `shopt -s inherit_errexit`, and may set
# NODE_SCRIPT (the name used in error messages).

# shellcheck source=node-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
warn() { printf '    warning: %s\n' "$*" >&2; }
die() {
    printf '%s: error: %s\n' "${NODE_SCRIPT:-node}" "$*" >&2
    exit 1
}

# Seconds since $1 (a `date +%s.%N` value), with one decimal.
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# IPv4 dotted quad -> integer.
ip_to_int() {
    local IFS=. a b c d
    read -r a b c d <<<"$1"
    echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# Do the IPv4 prefixes $1 and $2 (a.b.c.d[/n]) overlap?
prefixes_overlap() {
    local a=${1%/*} b=${2%/*} la=32 lb=32 len mask
    [[ $1 == */* ]] && la=${1#*/}
    [[ $2 == */* ]] && lb=${2#*/}
    len=$((la < lb ? la : lb))
    mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
    [ $(($(ip_to_int "$a") & mask)) -eq $(($(ip_to_int "$b") & mask)) ]
}

# Is the IPv4 address or prefix $1 inside the prefix $2?
prefix_within() {
    local inner=$1 outer=$2 li=32 lo
    [[ $inner == */* ]] && li=${inner#*/}
    lo=${outer#*/}
    [ "$li" -ge "$lo" ] && prefixes_overlap "$inner" "$outer"
}

# Is process $1 alive (and not a zombie)?
pid_alive() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Is process $1 our containerd: argv[0] named containerd and `--config $CONTAINERD_CONFIG`?
is_our_containerd() {
    local -a argv=()
    local i
    mapfile -d '' argv 2>/dev/null <"/proc/$1/cmdline" || return 1
    [ ${#argv[@]} -gt 2 ] && [ "${argv[0]##*/}" = containerd ] || return 1
    for ((i = 1; i < ${#argv[@]} - 1; i++)); do
        [ "${argv[i]}" = --config ] && [ "${argv[i + 1]}" = "$CONTAINERD_CONFIG" ] && return 0
    done
    return 1
}

# PID of our running containerd (the pid file's, else found by its arguments), or nothing.
containerd_pid() {
    local pid p
    pid=$(cat "$CONTAINERD_PIDFILE" 2>/dev/null || true)
    if [ -n "$pid" ] && pid_alive "$pid" && is_our_containerd "$pid"; then
        echo "$pid"
        return 0
    fi
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        if is_our_containerd "$pid" && pid_alive "$pid"; then
            echo "$pid"
            return 0
        fi
    done
    return 0
}

# PIDs of the containerd shims that belong to our containerd (they outlive it).
our_shim_pids() {
    local p argv
    for p in /proc/[0-9]*; do
        argv=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case "$argv" in
            *containerd-shim*" -address $CONTAINERD_SOCK "* | *containerd-shim*" -address $CONTAINERD_SOCK")
                echo "${p#/proc/}" ;;
        esac
    done
    return 0
}

containerd_answers() {
    command -v ctr >/dev/null && [ -S "$CONTAINERD_SOCK" ] &&
        timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1
}

# Status of the CRI plugin as `ctr plugins ls` reports it (ok, error, skip), or nothing.
cri_status() {
    timeout 5 ctr --address "$CONTAINERD_SOCK" plugins ls 2>/dev/null |
        awk '$1 == "io.containerd.grpc.v1" && $2 == "cri" { print $NF }'
}

# Stop containerd $1: TERM, wait up to 20 s, then KILL.
stop_containerd() {
    local pid=$1 deadline
    kill -TERM "$pid" 2>/dev/null || return 0
    deadline=$((SECONDS + 20))
    while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    if pid_alive "$pid"; then
        warn "containerd (pid $pid) ignored TERM for 20s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        deadline=$((SECONDS + 10))
        while pid_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    fi
    rm -f "$CONTAINERD_PIDFILE"
}

# Start our containerd in the background and wait (60 s at most) until it answers and its CRI
# plugin is loaded. Prints its PID.
launch_containerd() {
    mkdir -p "$CONTAINERD_ROOT" "$CONTAINERD_STATE" "$NODEAGENT_LOG_DIR" "$(dirname "$CONTAINERD_PIDFILE")"
    # Only called when no containerd of ours runs, so these are stale.
    rm -f "$CONTAINERD_SOCK" "$CONTAINERD_TTRPC_SOCK" "$CONTAINERD_PIDFILE"
    printf '\n==== %s %s starts containerd\n' "$(date -Is)" "${NODE_SCRIPT:-node}" >>"$CONTAINERD_LOG"
    # setsid: a session of its own, so it outlives this shell and its terminal. The inner shell
    # writes its own PID, which `exec` hands on to containerd.
    # shellcheck disable=SC2016 # expanded by the inner shell
    # Descriptors other than 0-2 are closed first: a daemon must not hold its launcher's pipes open (a caller
    # waiting for this script's output, or for its exit through an inherited descriptor, would wait forever).
    setsid bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
        ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"; echo $$ >"$1"; exec containerd --config "$2"' \
        node-agent-containerd "$CONTAINERD_PIDFILE" "$CONTAINERD_CONFIG" </dev/null >>"$CONTAINERD_LOG" 2>&1 &

    local deadline=$((SECONDS + 60)) pid="" status=""
    while :; do
        [ -n "$pid" ] || pid=$(cat "$CONTAINERD_PIDFILE" 2>/dev/null || true)
        if [ -n "$pid" ] && ! pid_alive "$pid"; then
            tail -n 20 "$CONTAINERD_LOG" >&2
            die "containerd exited during start-up (log: $CONTAINERD_LOG)"
        fi
        if [ -n "$pid" ] && containerd_answers; then
            status=$(cri_status)
            [ "$status" = ok ] && break
            if [ -n "$status" ] && [ "$status" != skip ]; then
                grep -i 'cri' "$CONTAINERD_LOG" | tail -n 10 >&2 || true
                stop_containerd "$pid"
                die "containerd's CRI plugin status is '$status' (log: $CONTAINERD_LOG)"
            fi
        fi
        if [ $SECONDS -ge $deadline ]; then
            tail -n 20 "$CONTAINERD_LOG" >&2
            [ -z "$pid" ] || stop_containerd "$pid"
            die "containerd did not answer with its CRI plugin within 60s (log: $CONTAINERD_LOG)"
        fi
        sleep 0.05
    done
    echo "$pid"
}

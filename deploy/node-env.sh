# shellcheck shell=bash
# node-env.sh — shared paths and names of the node-agent's private node runtime.
#
# Source it (`. deploy/node-env.sh`); it only sets and exports variables, defines
# the `nactr` helper and never fails. Every variable can be preset in the environment
# to override the default. setup-node.sh, teardown-node.sh and the integration tests
# all read the same values from here.
#
#   CRI_ENDPOINT        unix:///run/node-agent/containerd/containerd.sock
#   CONTAINERD_SOCK     the containerd gRPC socket (CRI + containerd API)
#   CNI_CONF_DIR        /etc/node-agent/cni/net.d (CNI_CONFLIST is the one file in it)
#   CNI_BRIDGE          nagent0
#   POD_SUBNET          the pod /24, read back from the written conflist when it exists
#   PAUSE_IMAGE, BUSYBOX_IMAGE   the two locally built images
#   nactr ARGS...       `ctr --address $CONTAINERD_SOCK -n k8s.io ARGS...`

: "${NODEAGENT_ETC_DIR:=/etc/node-agent}"
: "${NODEAGENT_STATE_DIR:=/var/lib/node-agent}"
: "${NODEAGENT_RUN_DIR:=/run/node-agent}"
: "${NODEAGENT_LOG_DIR:=/var/log/node-agent}"

: "${CONTAINERD_CONFIG:=$NODEAGENT_ETC_DIR/containerd/config.toml}"
: "${CONTAINERD_ROOT:=$NODEAGENT_STATE_DIR/containerd}"
: "${CONTAINERD_STATE:=$NODEAGENT_RUN_DIR/containerd}"
: "${CONTAINERD_SOCK:=$CONTAINERD_STATE/containerd.sock}"
: "${CONTAINERD_TTRPC_SOCK:=$CONTAINERD_STATE/containerd-ttrpc.sock}"
: "${CONTAINERD_PIDFILE:=$NODEAGENT_RUN_DIR/containerd.pid}"
: "${CONTAINERD_LOG:=$NODEAGENT_LOG_DIR/containerd.log}"
: "${CONTAINERD_NAMESPACE:=k8s.io}"
: "${CRI_ENDPOINT:=unix://$CONTAINERD_SOCK}"

: "${CNI_BIN_DIR:=/usr/lib/cni}"
: "${CNI_CONF_DIR:=$NODEAGENT_ETC_DIR/cni/net.d}"
: "${CNI_NETWORK_NAME:=node-agent}"
: "${CNI_CONFLIST:=$CNI_CONF_DIR/10-node-agent.conflist}"
: "${CNI_BRIDGE:=nagent0}"
# host-local keeps its leases in /var/lib/cni/networks/<network name>.
: "${CNI_IPAM_DIR:=/var/lib/cni/networks/$CNI_NETWORK_NAME}"
# The default pod subnet; setup-node.sh moves to another 10.x/24 if a route collides.
: "${POD_SUBNET_DEFAULT:=10.88.77.0/24}"
if [ -z "${POD_SUBNET:-}" ] && [ -r "$CNI_CONFLIST" ]; then
    POD_SUBNET=$(sed -n 's/.*"subnet": *"\([0-9./]*\)".*/\1/p' "$CNI_CONFLIST" 2>/dev/null || true)
    POD_SUBNET=${POD_SUBNET%%$'\n'*}
fi
: "${POD_SUBNET:=$POD_SUBNET_DEFAULT}"

: "${NODEAGENT_IMAGES_DIR:=$NODEAGENT_STATE_DIR/images}"
: "${PAUSE_IMAGE:=registry.k8s.io/pause:3.9}"
: "${BUSYBOX_IMAGE:=docker.io/library/busybox:1.36}"

export NODEAGENT_ETC_DIR NODEAGENT_STATE_DIR NODEAGENT_RUN_DIR NODEAGENT_LOG_DIR
export CONTAINERD_CONFIG CONTAINERD_ROOT CONTAINERD_STATE CONTAINERD_SOCK CONTAINERD_TTRPC_SOCK
export CONTAINERD_PIDFILE CONTAINERD_LOG CONTAINERD_NAMESPACE CRI_ENDPOINT
export CNI_BIN_DIR CNI_CONF_DIR CNI_NETWORK_NAME CNI_CONFLIST CNI_BRIDGE CNI_IPAM_DIR
export POD_SUBNET_DEFAULT POD_SUBNET
export NODEAGENT_IMAGES_DIR PAUSE_IMAGE BUSYBOX_IMAGE

# ctr against our containerd, in the CRI's namespace.
nactr() {
    ctr --address "$CONTAINERD_SOCK" -n "$CONTAINERD_NAMESPACE" "$@"
}

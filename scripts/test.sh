#!/usr/bin/env bash
# Runs node-agent's tests: `swift build --build-tests` then `swift test`.
#
# With NODEAGENT_ROOT_TESTS=1 (as root) it first makes sure the node is set up (deploy/setup-node.sh is
# idempotent and quick when nothing changed), runs the integration tests against the real containerd too,
# and fails if any test was skipped: in that mode a skip hides a missing piece of the node.
set -euo pipefail
cd "$(dirname "$0")/.."

root_tests=${NODEAGENT_ROOT_TESTS:-0}
if [ "$root_tests" = 1 ]; then
    [ "$(id -u)" = 0 ] || { echo "error: NODEAGENT_ROOT_TESTS=1 needs root (containerd, iptables, namespaces)" >&2; exit 2; }
    bash deploy/setup-node.sh
    # shellcheck source=../deploy/node-env.sh
    . deploy/node-env.sh
    export CRI_ENDPOINT
fi

echo "==> swift build --build-tests"
swift build --build-tests

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "==> swift test (NODEAGENT_ROOT_TESTS=$root_tests)"
set +e
# The IPVS kernel suites need a kernel with IPVS; in root mode they run in the QEMU VM below instead.
ipvs_skip=()
[ "$root_tests" = 1 ] && ipvs_skip=(--skip 'IPVSKernel|IPVSTraffic')
swift test --skip-build "${ipvs_skip[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 0 ] || exit "$status"

if [ "$root_tests" = 1 ]; then
    # Swift Testing reports a disabled test as "Test … skipped"; in root mode nothing may be skipped.
    if grep -E 'Test .* skipped|Suite .* skipped' "$log" >/dev/null; then
        echo "error: tests were skipped although NODEAGENT_ROOT_TESTS=1:" >&2
        grep -E 'Test .* skipped|Suite .* skipped' "$log" >&2
        exit 1
    fi
fi

if [ "$root_tests" = 1 ]; then
    # IPVS mode against a real IPVS/ipset kernel: the test bundle runs in a QEMU VM (scripts/ipvs-vm), where
    # NODEAGENT_IPVS_VM=1 turns a skip into a failure. A failure here fails the script.
    echo "==> IPVS suites in the QEMU VM"
    vm_log=$(mktemp)
    set +e
    scripts/ipvs-vm/run.sh --timeout 110 -- .build/debug/node-agentPackageTests.xctest --testing-library swift-testing \
        --filter 'IPVSKernel|IPVSTraffic' 2>&1 | tee "$vm_log"
    vm_status=${PIPESTATUS[0]}
    set -e
    if [ "$vm_status" = 0 ] && grep -E 'Test .* skipped|Suite .* skipped' "$vm_log" >/dev/null; then
        echo "error: IPVS tests were skipped inside the VM" >&2
        vm_status=1
    fi
    rm -f "$vm_log"
    [ "$vm_status" = 0 ] || exit "$vm_status"
fi

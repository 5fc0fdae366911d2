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
swift test --skip-build 2>&1 | tee "$log"
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

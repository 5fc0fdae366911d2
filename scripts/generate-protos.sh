#!/usr/bin/env bash
# Regenerates the Swift code of our protos:
#   proto/runtime/v1/api.proto (CRI, runtime.v1):
#     Sources/CRIClient/Generated/api.pb.swift       messages   (protoc-gen-swift)
#     Sources/CRIClient/Generated/api.grpc.swift     client + server stubs (protoc-gen-grpc-swift-2)
#   proto/grpc/health/v1/health.proto (gRPC probes, grpc.health.v1):
#     Sources/ProbeRunner/Generated/health.pb.swift   messages
#     Sources/ProbeRunner/Generated/health.grpc.swift client + server stubs (the server side is for tests)
#
# Needs `protoc` on PATH (Debian: apt-get install protobuf-compiler; 3.21 works).
# The two plugins are built from pinned package versions by a helper package in
# .build-protoc/ (git-ignored). The generated code is committed; CI does not run
# this script (use --check to verify the committed files are up to date).
#
# Usage: scripts/generate-protos.sh [--check]
set -euo pipefail

# Pinned versions. They must match Package.swift.
SWIFT_PROTOBUF_VERSION="1.39.0"
GRPC_SWIFT_PROTOBUF_VERSION="2.4.1"
GRPC_SWIFT_VERSION="2.4.3"
# Debug plugins build faster and generate the same output.
PLUGIN_CONFIG="debug"

check=false
case "${1:-}" in
    "") ;;
    --check) check=true ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
proto_root="$root/proto"
tools_dir="$root/.build-protoc"
helper_dir="$tools_dir/plugins"

command -v protoc >/dev/null || {
    echo "error: protoc not found (apt-get install -y protobuf-compiler)" >&2
    exit 1
}
command -v swift >/dev/null || { echo "error: swift not found" >&2; exit 1; }

# --- Build the plugins -------------------------------------------------------

mkdir -p "$helper_dir/Sources/Placeholder"

# Written only when changed, so SwiftPM does not reload the manifest needlessly.
write_if_changed() {
    local path="$1" tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    if cmp -s "$tmp" "$path" 2>/dev/null; then
        rm -f "$tmp"
    else
        mv "$tmp" "$path"
    fi
}

write_if_changed "$helper_dir/Package.swift" <<EOF
// swift-tools-version:6.0
// Written by scripts/generate-protos.sh; only used to build the protoc plugins.
import PackageDescription

let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "$SWIFT_PROTOBUF_VERSION"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", exact: "$GRPC_SWIFT_PROTOBUF_VERSION"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", exact: "$GRPC_SWIFT_VERSION"),
    ],
    targets: [
        // SwiftPM wants at least one target; the plugins come from the dependencies.
        // (Never built; the dependency only pins grpc-swift-2 without a warning.)
        .target(
            name: "Placeholder",
            dependencies: [.product(name: "GRPCCodeGen", package: "grpc-swift-2")],
            path: "Sources/Placeholder"
        ),
    ]
)
EOF
write_if_changed "$helper_dir/Sources/Placeholder/Placeholder.swift" <<'EOF'
// Intentionally empty.
EOF

echo "==> building protoc plugins ($PLUGIN_CONFIG)" >&2
build_start=$SECONDS
for product in protoc-gen-swift protoc-gen-grpc-swift-2; do
    swift build --package-path "$helper_dir" -c "$PLUGIN_CONFIG" --product "$product" >&2
done
bin_dir="$(swift build --package-path "$helper_dir" -c "$PLUGIN_CONFIG" --show-bin-path)"
echo "==> plugins ready in $((SECONDS - build_start)) s" >&2

# --- Generate ------------------------------------------------------------------

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
status=0

# generate PROTO_FILE OUT_DIR BASENAME: protoc both plugins on proto/PROTO_FILE,
# then compare (--check) or copy BASENAME.pb.swift and BASENAME.grpc.swift to OUT_DIR.
#
# Package visibility: the types are not public API of their module, but other
# targets of this package can use them (the test kit's fake CRI server, the
# probe tests' health server). UseAccessLevelOnImports gives `package import`,
# which the InternalImportsByDefault upcoming feature requires for package
# declarations.
generate() {
    local proto_file="$1" out_dir="$2" base="$3" gen_dir f
    gen_dir="$work_dir/$base"
    mkdir -p "$gen_dir"
    protoc \
        --proto_path="$proto_root" \
        --plugin=protoc-gen-swift="$bin_dir/protoc-gen-swift" \
        --plugin=protoc-gen-grpc-swift-2="$bin_dir/protoc-gen-grpc-swift-2" \
        --swift_out="$gen_dir" \
        --swift_opt=Visibility=Package,FileNaming=DropPath,UseAccessLevelOnImports=true \
        --grpc-swift-2_out="$gen_dir" \
        --grpc-swift-2_opt=Visibility=Package,Client=true,Server=true,FileNaming=DropPath,UseAccessLevelOnImports=true \
        "$proto_root/$proto_file"

    for f in "$base.pb.swift" "$base.grpc.swift"; do
        [[ -s "$gen_dir/$f" ]] || { echo "error: protoc did not produce $f" >&2; exit 1; }
    done

    if $check; then
        for f in "$base.pb.swift" "$base.grpc.swift"; do
            if ! diff -u "$out_dir/$f" "$gen_dir/$f" >&2; then
                echo "error: $out_dir/$f is out of date; run $0" >&2
                status=1
            fi
        done
        return
    fi

    mkdir -p "$out_dir"
    for f in "$base.pb.swift" "$base.grpc.swift"; do
        if cmp -s "$gen_dir/$f" "$out_dir/$f"; then
            echo "unchanged: ${out_dir#"$root"/}/$f" >&2
        else
            cp "$gen_dir/$f" "$out_dir/$f"
            echo "updated:   ${out_dir#"$root"/}/$f" >&2
        fi
    done
}

generate runtime/v1/api.proto "$root/Sources/CRIClient/Generated" api
generate grpc/health/v1/health.proto "$root/Sources/ProbeRunner/Generated" health
exit "$status"

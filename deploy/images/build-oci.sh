#!/usr/bin/env bash
# build-oci.sh — turn a root file system directory into a single-layer OCI image archive
# that `ctr images import` accepts, using only bash, tar, gzip, sha256sum and stat.
#
# Usage (CLI):
#   build-oci.sh --rootfs DIR --ref REF --out FILE.tar
#                [--entrypoint JSON-ARRAY] [--cmd JSON-ARRAY] [--env NAME=VALUE]...
#                [--workdir DIR] [--user USER] [--arch ARCH]
#   e.g. build-oci.sh --rootfs /tmp/pause-rootfs --ref registry.k8s.io/pause:3.9 \
#                     --entrypoint '["/pause"]' --out /var/lib/node-agent/images/pause.tar
# Or source it and call `build_oci_archive` with the same arguments.
#
# On success it prints the image's manifest digest (sha256:...), which is what
# `ctr images ls` shows as the image's DIGEST after the import.
#
# The archive is an OCI image layout in a tar: oci-layout, index.json and
# blobs/sha256/{layer (tar+gzip), config, manifest}. index.json names the image with both
# `io.containerd.image.name` and `org.opencontainers.image.ref.name` (full reference), or
# ctr would invent a name. config.rootfs.diff_ids holds the digest of the *uncompressed*
# layer; every descriptor's size is the blob's byte length.
#
# Reproducible: the layer lists the rootfs in sorted order, owned by 0:0 (numeric), with
# every mtime set to the epoch and no atime/ctime/pid in PAX headers; gzip -n stores no
# name or time; the config's `created` is the epoch. The same rootfs and arguments always
# give the same digest (ownership and permission bits of the rootfs still count).
#
# Callers that source it should run with `set -euo pipefail` and `shopt -s inherit_errexit`.

# JSON string literal for $1 (escapes backslash, double quote and control characters).
_oci_json_str() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    s=${s//$'\n'/\\n}
    s=${s//$'\t'/\\t}
    s=${s//$'\r'/\\r}
    printf '"%s"' "$s"
}

_oci_sha256() { sha256sum "$1" | cut -d' ' -f1; }
_oci_size() { stat -c %s "$1"; }

# Map Debian's architecture name to the OCI/Go one.
_oci_default_arch() {
    local deb
    deb=$(dpkg --print-architecture 2>/dev/null || uname -m)
    case "$deb" in
        amd64 | x86_64) echo amd64 ;;
        arm64 | aarch64) echo arm64 ;;
        armhf | armel) echo arm ;;
        i386 | i686) echo 386 ;;
        *) echo "$deb" ;;
    esac
}

# Deterministic tar of the directory $1's *contents* into file $2 (entries without "./").
_oci_tar_dir() {
    local dir=$1 out=$2 list
    list=$(mktemp)
    (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$list"
    tar -C "$dir" -cf "$out" \
        --no-recursion --verbatim-files-from -T "$list" \
        --format=posix --pax-option='exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime' \
        --owner=0 --group=0 --numeric-owner --mtime='@0'
    rm -f "$list"
}

build_oci_archive() {
    local rootfs="" ref="" out="" entrypoint="" cmd="" workdir="" user="" arch=""
    local -a envs=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --rootfs) rootfs=$2; shift 2 ;;
            --ref) ref=$2; shift 2 ;;
            --out) out=$2; shift 2 ;;
            --entrypoint) entrypoint=$2; shift 2 ;;
            --cmd) cmd=$2; shift 2 ;;
            --env) envs+=("$2"); shift 2 ;;
            --workdir) workdir=$2; shift 2 ;;
            --user) user=$2; shift 2 ;;
            --arch) arch=$2; shift 2 ;;
            *) echo "build-oci: unknown argument: $1" >&2; return 2 ;;
        esac
    done
    if [ -z "$rootfs" ] || [ -z "$ref" ] || [ -z "$out" ]; then
        echo "build-oci: --rootfs, --ref and --out are required" >&2
        return 2
    fi
    [ -d "$rootfs" ] || { echo "build-oci: no such directory: $rootfs" >&2; return 2; }
    local j
    for j in "$entrypoint" "$cmd"; do
        case "$j" in "" | \[*\]) ;; *) echo "build-oci: expected a JSON array, got: $j" >&2; return 2 ;; esac
    done
    : "${arch:=$(_oci_default_arch)}"
    [ ${#envs[@]} -gt 0 ] || envs=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")

    local work blobs
    work=$(mktemp -d)
    blobs=$work/layout/blobs/sha256
    mkdir -p "$blobs"

    # Layer: the uncompressed digest is the diff_id, the gzipped blob is what is shipped.
    _oci_tar_dir "$rootfs" "$work/layer.tar"
    local diff_id layer_digest layer_size
    diff_id=$(_oci_sha256 "$work/layer.tar")
    gzip -n -9 "$work/layer.tar"
    layer_digest=$(_oci_sha256 "$work/layer.tar.gz")
    layer_size=$(_oci_size "$work/layer.tar.gz")
    mv "$work/layer.tar.gz" "$blobs/$layer_digest"

    # Image config.
    local cfg env_json="" e
    for e in "${envs[@]}"; do env_json+="${env_json:+,}$(_oci_json_str "$e")"; done
    cfg="\"Env\":[${env_json}]"
    [ -z "$entrypoint" ] || cfg+=",\"Entrypoint\":$entrypoint"
    [ -z "$cmd" ] || cfg+=",\"Cmd\":$cmd"
    [ -z "$workdir" ] || cfg+=",\"WorkingDir\":$(_oci_json_str "$workdir")"
    [ -z "$user" ] || cfg+=",\"User\":$(_oci_json_str "$user")"
    printf '{"created":"1970-01-01T00:00:00Z","architecture":"%s","os":"linux","config":{%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"node-agent deploy/images/build-oci.sh"}]}' \
        "$arch" "$cfg" "$diff_id" >"$work/config.json"
    local config_digest config_size
    config_digest=$(_oci_sha256 "$work/config.json")
    config_size=$(_oci_size "$work/config.json")
    mv "$work/config.json" "$blobs/$config_digest"

    # Manifest.
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
        "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$work/manifest.json"
    local manifest_digest manifest_size
    manifest_digest=$(_oci_sha256 "$work/manifest.json")
    manifest_size=$(_oci_size "$work/manifest.json")
    mv "$work/manifest.json" "$blobs/$manifest_digest"

    # Index naming the image, and the layout marker.
    local name
    name=$(_oci_json_str "$ref")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"io.containerd.image.name":%s,"org.opencontainers.image.ref.name":%s}}]}' \
        "$manifest_digest" "$manifest_size" "$arch" "$name" "$name" >"$work/layout/index.json"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
    chmod -R u=rwX,go=rX "$work/layout"

    mkdir -p "$(dirname "$out")"
    _oci_tar_dir "$work/layout" "$out.tmp.$$"
    mv -f "$out.tmp.$$" "$out"
    rm -rf "$work"
    echo "sha256:$manifest_digest"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    shopt -s inherit_errexit
    build_oci_archive "$@"
fi

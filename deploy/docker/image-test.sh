#!/usr/bin/env bash
# Builds deploy/docker/Dockerfile for real on a machine with no Docker engine and no registry
# access. Needs root and Debian's podman, runc and debootstrap (.ci/run installs them).
# ImageInteropTest (deploy module, -Pinterop) drives it, then runs and checks the image.
#
#   image-test.sh build <work-dir>
#     1. Base images without a registry: a Debian bookworm minbase rootfs (debootstrap from
#        deb.debian.org), plus a Java 17 runtime jlinked from this machine's JDK 17 jmods: a JRE
#        module set for the runtime stage, the same plus the JDK tools (javac, jar, ...) for the
#        build stage. The Dockerfile takes them through its BUILD_IMAGE / RUNTIME_IMAGE build
#        arguments; its defaults stay the public eclipse-temurin images.
#     2. `podman build` of the Dockerfile, both stages, as localhost/sextant:image-test. The build
#        stage runs the Maven wrapper (./mvnw package) inside the container with no network: the
#        host's ~/.m2 (wrapper distribution and repository) is bind-mounted read-only.
#   image-test.sh podman <work-dir> <podman args...>
#     podman with the same configuration (to run, exec, inspect and remove containers).
#   image-test.sh release <work-dir>
#     unmounts the storage's overlay directory when no container exists (so `mvn clean` works).
#   image-test.sh clean <work-dir>
#     removes every container and image in the work dir's storage, then the work dir.
#
# Everything (rootfs, container storage, build cache) lives under <work-dir>; the only state kept
# outside it is apt's and debootstrap's package cache in /var/cache/apt/archives.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:?usage: image-test.sh build|podman|clean <work-dir> ...}"
work="$(mkdir -p "${2:?work dir}" && cd "$2" && pwd)"
shift 2
jdk="${SEXTANT_IMAGE_TEST_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
mirror="${SEXTANT_IMAGE_TEST_MIRROR:-http://deb.debian.org/debian}"
m2="${SEXTANT_IMAGE_TEST_M2:-$HOME/.m2}"
tag=localhost/sextant:image-test
t0=$(date +%s)

step() { echo "== image-test [$(( $(date +%s) - t0 ))s] $*"; }
fail() { echo "image-test: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (rootful podman with overlay storage)"
for bin in podman runc debootstrap; do
  command -v "$bin" >/dev/null || fail "$bin is not installed (apt-get install podman runc debootstrap)"
done

# Podman configured for this directory only. runc, not Debian's crun 1.8: crun refuses hybrid
# cgroup v1/v2 hosts ("cgroups in hybrid mode not supported"). The ulimits stay under this
# shell's hard limits: without CAP_SYS_RESOURCE podman's defaults (nofile 1048576) fail.
mkdir -p "$work/tmp"
hard_nofile=$(ulimit -Hn); [ "$hard_nofile" = unlimited ] && hard_nofile=1048576
hard_nproc=$(ulimit -Hu); [ "$hard_nproc" = unlimited ] && hard_nproc=32768
nofile=$(( hard_nofile < 65536 ? hard_nofile : 65536 ))
nproc=$(( hard_nproc < 16384 ? hard_nproc : 16384 ))
cat > "$work/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$work/run/libpod"
network_config_dir = "$work/networks"
EOF
cat > "$work/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
export CONTAINERS_CONF="$work/containers.conf" CONTAINERS_STORAGE_CONF="$work/storage.conf"
export TMPDIR="$work/tmp"

# podman's overlay driver bind-mounts its storage directory onto itself and leaves it mounted;
# `mvn clean` (or removing the clone) fails on that mount point until it is unmounted.
release() {
  if [ -z "$(podman ps -aq)" ]; then
    while mountpoint -q "$work/storage/overlay"; do umount "$work/storage/overlay"; done
  fi
}

case "$cmd" in
  podman) exec podman "$@" ;;
  release) release; exit 0 ;;
  clean)
    umount "$work/rootfs" 2>/dev/null || true
    podman rm -af -t 2 >/dev/null || true
    podman rmi -af >/dev/null || true
    release
    rm -rf "$work"
    exit 0 ;;
  build) ;;
  *) fail "unknown command $cmd" ;;
esac

[ -d "$m2/wrapper/dists" ] && [ -d "$m2/repository" ] \
  || fail "$m2 has no wrapper/dists or repository: run ./mvnw -B package in the clone first"
[ -d "$jdk/jmods" ] || fail "$jdk/jmods is missing: jlink needs a JDK 17 with jmods (openjdk-17-jdk)"
"$jdk/bin/java" -version 2>&1 | grep -q '"17\.' || fail "$jdk is not a JDK 17"

# 1. Base images, kept in the work dir's storage and reused when present. The two jlink runs go
# in the background while debootstrap runs; debootstrap writes into a tmpfs, where dpkg's fsyncs
# cost nothing, and only the import into podman's storage touches the disk.
jre_modules="java.se,jdk.unsupported,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.localedata,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.naming.dns,jdk.net,jdk.nio.mapmode,jdk.zipfs,jdk.httpserver,jdk.security.auth,jdk.security.jgss,jdk.sctp,jdk.random"
jdk_modules="$jre_modules,jdk.compiler,jdk.jartool,jdk.javadoc,jdk.jdeps,jdk.jlink,jdk.jcmd,jdk.attach,jdk.jdi,jdk.jdwp.agent"
jlinks=()
for kind in jdk jre; do
  podman image exists "localhost/sextant-test/$kind:17" && continue
  if [ "$kind" = jdk ]; then modules="$jdk_modules"; else modules="$jre_modules"; fi
  step "jlink $kind 17 in the background ($modules)"
  rm -rf "$work/base-$kind" && mkdir -p "$work/base-$kind"
  "$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --output "$work/base-$kind/java" \
    > "$work/jlink-$kind.log" 2>&1 &
  jlinks+=("$kind:$!")
done

if ! podman image exists localhost/sextant-test/minbase:bookworm; then
  rootfs="$work/rootfs"
  mkdir -p "$rootfs"
  mountpoint -q "$rootfs" || mount -t tmpfs -o size=2g,mode=0755 sextant-image-test "$rootfs"
  trap 'umount "$rootfs" 2>/dev/null || true' EXIT
  step "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives bookworm "$rootfs" "$mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
  # What an image does not need: docs, man pages, translations, apt's package lists.
  rm -rf "$rootfs"/usr/share/{doc,man,info,locale}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  step "importing the rootfs as localhost/sextant-test/minbase:bookworm"
  tar -C "$rootfs" -c . | podman import -q - localhost/sextant-test/minbase:bookworm >/dev/null
  umount "$rootfs" && rmdir "$rootfs"
  trap - EXIT
fi

for job in "${jlinks[@]}"; do
  kind="${job%%:*}"
  wait "${job#*:}" || { cat "$work/jlink-$kind.log" >&2; fail "jlink $kind"; }
  step "building localhost/sextant-test/$kind:17"
  podman build -q -f "$repo/deploy/docker/test/Base.Containerfile" -t "localhost/sextant-test/$kind:17" \
    "$work/base-$kind" >/dev/null
  rm -rf "$work/base-$kind"
done

# 2. The Sextant image from the repository's Dockerfile.
step "podman build -f deploy/docker/Dockerfile (build stage runs ./mvnw in the container)"
build_started=$(date +%s)
podman build --layers=false \
  --build-arg BUILD_IMAGE=localhost/sextant-test/jdk:17 \
  --build-arg RUNTIME_IMAGE=localhost/sextant-test/jre:17 \
  --ignorefile "$repo/deploy/docker/Dockerfile.dockerignore" \
  --network none --volume "$m2:/root/.m2:ro" \
  -f "$repo/deploy/docker/Dockerfile" -t "$tag" "$repo"
echo "image-test: image build took $(( $(date +%s) - build_started ))s"
release

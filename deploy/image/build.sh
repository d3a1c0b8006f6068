#!/bin/sh
# Build the boxaudit image without a registry.
#
#   deploy/image/build.sh [TAG]        (default boxaudit:VERSION)
#
# 1. assemble the root filesystem from the built binary (deploy/image/rootfs.sh);
# 2. docker import it as boxaudit-rootfs:VERSION (the base the build produces);
# 3. DOCKER_BUILDKIT=0 docker build the top-level Dockerfile FROM that base.
#
# Needs a built tree (./boxaudit), docker and busybox-static.  Honours
# DOCKER_HOST; DOCKER names the docker CLI (default: docker); BOXAUDIT the
# binary (default: the build tree's); top_srcdir the source tree.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${top_srcdir:-$(cd "$here/../.." && pwd)}
bin=${BOXAUDIT:-$src/boxaudit}
docker=${DOCKER:-docker}
version=$("$bin" --version | awk '{ print $2 }')
tag=${1:-boxaudit:$version}
base=boxaudit-rootfs:$version
work=$(mktemp -d "${TMPDIR:-/tmp}/boxaudit-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

sh "$here/rootfs.sh" "$bin" "$src" "$work/rootfs"
tar -C "$work/rootfs" --numeric-owner -cf "$work/rootfs.tar" .
$docker import "$work/rootfs.tar" "$base" >/dev/null
# The Dockerfile needs nothing from a context: an empty one keeps the build fast.
mkdir "$work/context"
DOCKER_BUILDKIT=0 $docker build -q --build-arg "BASE=$base" --build-arg "VERSION=$version" \
	-t "$tag" -f "$src/Dockerfile" "$work/context" >/dev/null
echo "$tag"

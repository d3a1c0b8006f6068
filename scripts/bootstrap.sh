#!/bin/sh
# Install what is missing, build, then audit this host or run the tests.
#
#   scripts/bootstrap.sh audit [boxaudit options]   build and audit this host
#   scripts/bootstrap.sh test                       build and run the whole test suite
#   scripts/bootstrap.sh deps [audit|test]          only install packages
#
# Works on a fresh Debian 12 machine; needs root (or sudo) to install packages.
set -eu
cd "$(dirname "$0")/.."
mode=${1:-audit}
[ $# -gt 0 ] && shift

BUILD_PKGS="build-essential autoconf automake libtool pkg-config libyaml-dev libjansson-dev
	libxml2-dev libpcre2-dev libcurl4-openssl-dev"
TEST_PKGS="libcmocka-dev libxml2-utils jq python3 python3-jsonschema python3-rfc3987 docker.io containerd runc busybox-static etcd-server openssl
	time valgrind clang libclang-rt-14-dev chromium chromium-driver openscap-scanner"
# Node.js may come from elsewhere (NodeSource's nodejs bundles npm and
# conflicts with Debian's npm): only the commands matter.
node_pkgs() {
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || echo "nodejs npm"
}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing() {
	out=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || out="$out $p"
	done
	echo "$out"
}

install_pkgs() {
	# shellcheck disable=SC2086
	need=$(missing $*)
	[ -z "$need" ] && return 0
	echo "bootstrap: installing$need" >&2
	sudo_ apt-get update -qq
	# shellcheck disable=SC2086
	sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2
}

# build [CONFIGURE-OPTION...]: configure once, then make.
build() {
	[ -x configure ] || ./autogen.sh >&2
	[ -f Makefile ] || ./configure -q "$@" >&2
	make -j"$(nproc)" >&2
}

case "$mode" in
deps)
	install_pkgs $BUILD_PKGS
	if [ "${1:-audit}" = test ]; then install_pkgs $TEST_PKGS $(node_pkgs); fi
	;;
audit)
	install_pkgs $BUILD_PKGS
	build
	exec ./boxaudit "$@"
	;;
test)
	install_pkgs $BUILD_PKGS $TEST_PKGS $(node_pkgs)
	build --enable-werror
	exec sh tests/run-all.sh "$@"
	;;
*)
	echo "usage: $0 audit|test|deps" >&2
	exit 2
	;;
esac

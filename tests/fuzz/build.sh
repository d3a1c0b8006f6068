#!/bin/sh
# Build the libFuzzer targets with clang into BUILDDIR/tests/fuzz/out.
#
#   tests/fuzz/build.sh [SRCDIR [BUILDDIR]]       (make fuzz runs this)
#
# The library sources are compiled again here with coverage instrumentation
# (-fsanitize=fuzzer-no-link) and ASan+UBSan, whatever compiler and flags
# the normal build was configured with; each tests/fuzz/fuzz_*.c is then
# linked with -fsanitize=fuzzer.  BUILDDIR must be configured (config.h) and
# built once (src/report/assets.c).  CC (default clang) and FUZZ_CFLAGS
# override the compiler and the optimisation flags.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "${1:-$here/../..}" && pwd)
builddir=$(cd "${2:-$srcdir}" && pwd)
CC=${CC:-clang}
case $CC in *clang*) ;; *) CC=clang ;; esac
out=$builddir/tests/fuzz/out
obj=$out/obj
mkdir -p "$obj"

test -f "$builddir/config.h" || { echo "build.sh: '$builddir/config.h' missing: run configure first" >&2; exit 1; }
PKGS="yaml-0.1 jansson libxml-2.0 libpcre2-8 libcurl"
pkgcflags=$(pkg-config --cflags $PKGS)
pkglibs=$(pkg-config --libs $PKGS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
OPT=${FUZZ_CFLAGS:--O1 -g}
CFLAGS="-std=c11 $OPT $SAN -Wall -Wextra -Wno-unused-parameter -I$builddir -I$srcdir/src \
 -D_GNU_SOURCE -DCHECKS_DIR=\"$srcdir/checks\" -DREPORTS_DIR=\"$srcdir/reports\" \
 -DFUZZ_SRCDIR=\"$srcdir\" $pkgcflags"

# Library objects (rebuilt when the source or any header is newer).
newest_h=$(ls -t "$srcdir"/src/*/*.h "$builddir/config.h" | head -n 1)
objs=""
stale=""
extra=""
test "$builddir" = "$srcdir" || extra=$builddir/src/report/assets.c
for c in "$srcdir"/src/*/*.c $extra; do
	# stage_file: two stages may hold files of the same name
	b=$(basename "$(dirname "$c")")_$(basename "$c" .c)
	case $b in report_embed) continue ;; esac
	test -f "$c" || continue
	o=$obj/$b.o
	objs="$objs $o"
	if test ! -f "$o" || test "$c" -nt "$o" || test "$newest_h" -nt "$o"; then
		stale="$stale $c"
	fi
done
if test -n "$stale"; then
	export CC CFLAGS obj
	# two compiles at a time; xargs fails when one does
	printf '%s\n' $stale | xargs -P 2 -n 1 sh -c \
		'b=$(basename "$(dirname "$1")")_$(basename "$1" .c); echo "  CC   $b.c"; $CC $CFLAGS -fsanitize=fuzzer-no-link -c "$1" -o "$obj/$b.o"' sh
fi
rm -f "$out/libboxaudit-fuzz.a"
ar rcs "$out/libboxaudit-fuzz.a" $objs

for t in "$here"/fuzz_*.c; do
	n=$(basename "$t" .c)
	echo "  LINK $n"
	$CC $CFLAGS -fsanitize=fuzzer "$t" "$out/libboxaudit-fuzz.a" $pkglibs -lm -o "$out/$n"
done
echo "fuzz targets in $out"

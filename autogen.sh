#!/bin/sh
# Regenerate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
autoreconf --install --force
# The TAP driver is not installed by autoreconf; take automake's own.
tap=$(ls "$(automake --print-libdir)/tap-driver.sh")
cp -f "$tap" build-aux/tap-driver.sh

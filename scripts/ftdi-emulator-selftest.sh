#!/bin/sh
# Builds the FTDI emulator's C self-test with gcc against the real libftdi1 and runs it.
# The executable defines the libusb_* functions itself, so libftdi1 talks to the emulator
# without LD_PRELOAD. Usage: scripts/ftdi-emulator-selftest.sh [extra gcc flags]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
emulator="$root/Tests/Support/FTDIEmulator"
out="${TMPDIR:-/tmp}/ftdi-emulator-selftest"
gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror "$@" \
  -I"$emulator/include" \
  "$emulator"/*.c "$emulator"/selftest/*.c \
  $(pkg-config --cflags --libs libftdi1) -ldl -lpthread \
  -o "$out"
"$out"

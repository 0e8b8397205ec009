#!/usr/bin/env bash
# Builds fuzz/driver/libfuzzer-dotnet (the libFuzzer bridge for SharpFuzz targets) with clang's libFuzzer runtime.
# Needs clang and its runtime: on Debian, `apt-get install -y clang-14 libclang-rt-14-dev`.
# The bridge's own code is compiled without coverage instrumentation (only the .NET target's edges count); libFuzzer's
# runtime and main come in at the link.
set -euo pipefail
cd "$(dirname "$0")"
cc="${CC:-$(command -v clang-14 || command -v clang)}"
out="$(realpath -m "${1:-libfuzzer-dotnet}")"
object="$(mktemp --suffix=.o)"
trap 'rm -f "$object"' EXIT
"$cc" -c -O2 -Wall -Wextra -Werror -o "$object" libfuzzer-dotnet.c
"$cc" -fsanitize=fuzzer -o "$out" "$object"
echo "built $out"

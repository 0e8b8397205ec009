#!/usr/bin/env bash
# Coverage-guided fuzzing of JwtSessions with SharpFuzz under libFuzzer, each target for a bounded time
# (docs/testing.md, "Fuzzing and property tests"). Fails on a crash, a timeout or an oracle failure; the input that caused it
# is left in artifacts/fuzz/findings/.
#
#   FUZZ_SECONDS   seconds per target (default 35)
#   FUZZ_TARGETS   space-separated target names (default: every target; `JwtSessions.Fuzz list` names them)
#   FUZZ_JOBS      libFuzzer workers per target (default 1; the machine is shared)
#   FUZZ_MERGE=1   afterwards, minimise each target's corpus into fuzz/corpus/NAME (keeps new coverage, drops redundant
#                  inputs); by default the committed corpus is only read
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
seconds="${FUZZ_SECONDS:-35}"
jobs="${FUZZ_JOBS:-1}"
out="$root/artifacts/fuzz"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# 1. clang and its libFuzzer runtime, from the distribution's packages.
cc="$(command -v clang-14 || command -v clang || true)"
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' > "$probe/p.c"
if [ -z "$cc" ] || ! "$cc" -fsanitize=fuzzer -o "$probe/p" "$probe/p.c" 2>/dev/null; then
  echo "fuzz: installing clang and its libFuzzer runtime"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
  cc="$(command -v clang-14)"
fi

# 2. The bridge between libFuzzer and the .NET target (fuzz/driver).
mkdir -p "$out/findings"
CC="$cc" bash fuzz/driver/build.sh "$out/libfuzzer-dotnet"

# 3. The targets, published, with the library and the tool instrumented for coverage by the sharpfuzz tool
#    (.config/dotnet-tools.json). Only our assemblies are instrumented: coverage of the framework would be noise.
dotnet tool restore >/dev/null
rm -rf "$out/bin"
dotnet publish fuzz/JwtSessions.Fuzz -c Release -o "$out/bin" --nologo -v quiet
for assembly in JwtSessions.dll JwtSessions.Cli.dll; do
  dotnet tool run sharpfuzz "$out/bin/$assembly"
done

# 4. Each target for a bounded time, from its committed corpus.
targets="${FUZZ_TARGETS:-$("$out/bin/JwtSessions.Fuzz" list | awk '{print $1}')}"
failed=0
for target in $targets; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  work="$out/work/$target"
  rm -rf "$work" && mkdir -p "$work"
  echo "fuzz: $target for ${seconds}s"
  parallel=()
  if [ "$jobs" -gt 1 ]; then
    # libFuzzer's -jobs mode writes fuzz-N.log into the current folder: run from the work folder's parent.
    parallel=(-jobs="$jobs" -workers="$jobs")
  fi
  # New inputs go to the work folder (first); the committed corpus (second) is only read.
  if ! (cd "$out/work" && "$out/libfuzzer-dotnet" --target_path="$out/bin/JwtSessions.Fuzz" --target_arg="$target" \
      -max_total_time="$seconds" -timeout=10 -max_len=8192 "${parallel[@]}" -print_final_stats=1 \
      -artifact_prefix="$out/findings/$target-" "$work" "$root/$corpus" > "$out/$target.log" 2>&1); then
    failed=1
    echo "fuzz: $target FAILED; the input is in $out/findings/, the log in $out/$target.log:"
    grep -E "Exception|OracleFailure|libfuzzer-dotnet:|ERROR" "$out/$target.log" | head -20 || true
  fi
  logs=("$out/$target.log")
  for log in "$out"/work/fuzz-*.log; do
    [ -e "$log" ] && logs+=("$log")
  done
  execs="$(awk '/^stat::number_of_executed_units/ {s += $2} END {print s + 0}' "${logs[@]}")"
  rm -f "$out"/work/fuzz-*.log
  echo "fuzz: $target ran $execs executions"
  if [ "${FUZZ_MERGE:-0}" = "1" ]; then
    merged="$out/merged/$target"
    rm -rf "$merged" && mkdir -p "$merged"
    "$out/libfuzzer-dotnet" --target_path="$out/bin/JwtSessions.Fuzz" --target_arg="$target" \
      -merge=1 -timeout=10 -max_len=8192 "$merged" "$corpus" "$work" > "$out/$target.merge.log" 2>&1
    rm -rf "$corpus" && mkdir -p "$corpus"
    for file in "$merged"/*; do
      [ -e "$file" ] && cp "$file" "$corpus/$(sha1sum "$file" | cut -c1-16)"
    done
    echo "fuzz: $target corpus minimised to $(ls "$corpus" | wc -l) inputs"
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED"
  exit 1
fi
echo "fuzz: ok"

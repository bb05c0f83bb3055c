#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), one after another, and prints one line
# per target: executions, time, corpus size, findings. Exits non-zero if any target found
# something; the input that broke it is in fuzz/artifacts/TARGET/ and the log beside it.
#
#   fuzz/run-all.sh [SECONDS]
#
# Needs a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`). The checks themselves are in src/protocol/fuzz_checks.rs; every
# `cargo test` replays the inputs fuzzing found and a short pseudo-random run of each, on stable.
#
# Built without AddressSanitizer by default: the parsers are safe Rust but for a few small
# `unsafe` blocks (the SSE2 loads of the tokenizer and of the plain-text check, and ASCII bytes
# taken as text once checked), so it would find little more, and it halves the speed.
# FUZZ_SANITIZER=address turns it back on.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
sanitizer=${FUZZ_SANITIZER:-none}
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build --sanitizer "$sanitizer" >/dev/null

status=0
printf '%-14s %14s %10s %8s %s\n' target executions seconds corpus findings
for target in $targets; do
  corpus=fuzz/corpus/$target
  artifacts=fuzz/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [ -d "fuzz/seeds/$target" ] && seeds+=("fuzz/seeds/$target")
  # The real servers' listings are the listing target's seeds.
  [ "$target" = listing ] && seeds+=(tests/fixtures/listings/*/)
  log=$artifacts/run.log
  started=$(date +%s)
  if ! cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "$corpus" "${seeds[@]}" -- \
      -max_total_time="$seconds" -timeout=10 -max_len=16384 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    status=1
  fi
  took=$(( $(date +%s) - started ))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'slow-unit-*' \) | wc -l)
  printf '%-14s %14s %10s %8s %s\n' "$target" "${runs:-?}" "$took" "$(ls "$corpus" | wc -l)" "$found"
  [ "$found" -gt 0 ] && status=1
done
exit $status

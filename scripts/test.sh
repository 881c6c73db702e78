#!/usr/bin/env bash
# The whole test suite: Rust unit tests, then every node:test suite (node's summary ends the run).
set -euo pipefail
cd "$(dirname "$0")/.."
# One test thread: several tests assert on process-wide live-object counters.
cargo test --release --lib -- --test-threads=1 2>&1 | grep -vE '^\s+(Compiling|Fresh)'
mapfile -t files < <(find test -name '*.test.js' -o -name '*.test.mjs' | sort)
exec node --test --test-concurrency=1 "${files[@]}"

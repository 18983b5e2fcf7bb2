#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/), each for $SECONDS_PER_TARGET seconds
# (default 60), seeded with the fixtures' transcripts. Needs a nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
#
# Usage: scripts/fuzz.sh                  # pi, codex, claude, 60 s each
#        SECONDS_PER_TARGET=3600 scripts/fuzz.sh pi
#
# A crash stops the run with the input saved under fuzz/artifacts/<target>/;
# replay it with `cargo +nightly fuzz run <target> <file>`. The corpus grows
# under fuzz/corpus/<target>/ and is kept between runs (not committed).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds=${SECONDS_PER_TARGET:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pi codex claude)

for target in "${targets[@]}"; do
  case $target in
    pi) fixtures=(../fixtures/pi/home ../fixtures/adversarial) ;;
    codex) fixtures=(../fixtures/codex/home) ;;
    claude) fixtures=(../fixtures/claude/home ../fixtures/claude/nested/home) ;;
    *) echo "fuzz: unknown target $target (pi, codex, claude)" >&2; exit 2 ;;
  esac
  corpus=corpus/$target
  mkdir -p "$corpus"
  # Seeds: every regular fixture transcript under 1 MB (links are not followed).
  find "${fixtures[@]}" -type f -name '*.jsonl' -size -1024k -print0 |
    while IFS= read -r -d '' file; do
      cp "$file" "$corpus/seed-$(printf '%s' "$file" | cksum | cut -d' ' -f1).jsonl"
    done
  echo "== fuzz $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "$corpus" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1
done

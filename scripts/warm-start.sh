#!/usr/bin/env bash
# How long the live dashboard takes to show its first full screen on a
# generated corpus: the first start (a cold read, no cache) and the second
# (which starts from the cache the first one saved). Drives the dashboard in
# tmux and polls the screen every 10 ms until the loading line is gone.
#
#   scripts/warm-start.sh [SIZE]     (default 1G; corpus-gen sizes, K/M/G)
#
# The corpus is generated under $BENCH_DIR (default target/bench) unless it
# is already there. Figures go to docs/performance.md by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SIZE=${1:-1G}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CORPUS=$BENCH_DIR/$SIZE
command -v tmux >/dev/null || { echo "warm-start: tmux is needed" >&2; exit 1; }
(cd "$ROOT" && cargo build --release --quiet -p openusage -p corpus-gen)
mkdir -p "$BENCH_DIR"
if [[ ! -s $CORPUS.stats.json ]]; then
    "$TARGET/release/corpus-gen" --out "$CORPUS" --size "$SIZE" --seed 1 --force >"$CORPUS.stats.json"
fi
# Reads every transcript once so both starts find it in the page cache.
find -L "$CORPUS" -name '*.jsonl' -type f -print0 | xargs -0 cat >/dev/null
rm -rf "$CORPUS/.cache/openusage"
socket=openusage-warm-$$
trap 'tmux -L $socket kill-server 2>/dev/null || true' EXIT

# Seconds from starting the dashboard to its first screen without "Reading".
first_screen() {
    local start end screen
    start=${EPOCHREALTIME/,/.}
    tmux -L "$socket" new-session -d -s w -x 120 -y 40 \
        "env -i HOME='$CORPUS' TERM=xterm-256color '$TARGET/release/openusage' dashboard --provider pi"
    while :; do
        screen=$(tmux -L "$socket" capture-pane -p -t w 2>/dev/null || true)
        if [[ $screen == *"total"* && $screen != *"Reading"* ]]; then
            break
        fi
        sleep 0.01
    done
    end=${EPOCHREALTIME/,/.}
    tmux -L "$socket" send-keys -t w q
    while tmux -L "$socket" has-session -t w 2>/dev/null; do sleep 0.05; done
    awk -v a="$end" -v b="$start" 'BEGIN { printf "%.2f", a - b }'
}

cold=$(first_screen)
warm=$(first_screen)
echo "corpus $SIZE: first start ${cold}s (cold read), second start ${warm}s (from the cache)"

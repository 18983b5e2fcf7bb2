#!/usr/bin/env bash
# Hostile-input measurements (issue 12): builds each case in a scratch home
# and prints openusage's wall time and peak RSS on it. These are figures for
# docs/reliability.md and docs/performance.md, not tests: the inputs are too
# heavy for a test run.
#
# Cases:
#   sparse    a 2 GiB sparse .jsonl (no byte on disk, no newline): one line
#   turns     10,000,000 minimal Pi turns in 100 files of 100,000
#   models    100,000 distinct model names in one file
#   diamond   a 24-level symlink diamond (two links per level to the next)
#
# Environment:
#   STRESS_DIR  scratch space (default /tmp/openusage-stress); `turns`
#               needs about 1.5 GB there
#   CASES       which cases (default "sparse turns models diamond")
#   OPENUSAGE   the binary (default: target/release/openusage, built here)
set -euo pipefail

STRESS_DIR=${STRESS_DIR:-/tmp/openusage-stress}
CASES=${CASES:-"sparse turns models diamond"}
NOW=2026-11-20T12:00:00Z
HEADER='{"type":"session","version":3,"id":"S","timestamp":"2026-11-19T00:00:00.000Z","cwd":"/home/u/code/w"}'

cd "$(dirname "$0")/.."
if [ -z "${OPENUSAGE:-}" ]; then
  cargo build --release --locked -q -p openusage
  OPENUSAGE=$PWD/target/release/openusage
fi

sessions() { # home -> its Pi sessions directory, created
  mkdir -p "$1/.pi/agent/sessions/--home-u-code-w--"
  echo "$1/.pi/agent/sessions/--home-u-code-w--"
}

build_sparse() {
  local dir; dir=$(sessions "$1")
  truncate -s 2G "$dir/sparse.jsonl"
}

build_turns() {
  local dir; dir=$(sessions "$1")
  python3 - "$dir" "$HEADER" <<'PY'
import sys
dir, header = sys.argv[1], sys.argv[2]
for f in range(100):
    with open(f"{dir}/s{f:03}.jsonl", "w") as out:
        out.write(header.replace('"S"', f'"s{f}"') + "\n")
        base = 1795000000000 + f * 100000
        for i in range(100000):
            out.write('{"type":"message","message":{"role":"assistant","model":"m","usage":{"input":1},"timestamp":%d}}\n' % (base + i))
PY
}

build_models() {
  local dir; dir=$(sessions "$1")
  python3 - "$dir" "$HEADER" <<'PY'
import sys
dir, header = sys.argv[1], sys.argv[2]
with open(f"{dir}/models.jsonl", "w") as out:
    out.write(header + "\n")
    for i in range(100000):
        out.write('{"type":"message","message":{"role":"assistant","model":"model-%06d","usage":{"input":1},"timestamp":%d}}\n' % (i, 1795000000000 + i))
PY
}

build_diamond() {
  local dir; dir=$(sessions "$1")
  # Level k holds links a and b to level k+1; the last level holds a file.
  local level=$dir/d0
  mkdir -p "$level"
  for k in $(seq 1 24); do
    mkdir -p "$dir/d$k"
    ln -s "$dir/d$k" "$dir/d$((k - 1))/a"
    ln -s "$dir/d$k" "$dir/d$((k - 1))/b"
  done
  printf '%s\n' "$HEADER" > "$dir/d24/s.jsonl"
}

for case in $CASES; do
  home=$STRESS_DIR/$case
  if [ ! -e "$home/.built" ]; then
    rm -rf "$home"; mkdir -p "$home"
    "build_$case" "$home"
    touch "$home/.built"
  fi
  out=$STRESS_DIR/$case.out
  /usr/bin/time -f "%e %M" -o "$STRESS_DIR/$case.time" \
    env -i HOME="$home" XDG_CACHE_HOME="$STRESS_DIR/cache" XDG_CONFIG_HOME="$STRESS_DIR/config" \
    timeout 600 "$OPENUSAGE" --now "$NOW" --no-cache snapshot --json --provider pi > "$out" || true
  read -r secs kb < "$STRESS_DIR/$case.time"
  counted=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['snapshots'][0]; print(s['diagnostics'].get('turns_counted'), s['message'])" "$out" 2>/dev/null || echo "no output")
  printf '%-8s %8.2f s %8.1f MB  %s\n' "$case" "$secs" "$((kb / 1024)).$(( (kb % 1024) * 10 / 1024 ))" "$counted"
done

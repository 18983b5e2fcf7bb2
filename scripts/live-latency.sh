#!/usr/bin/env bash
# The live dashboard's write-to-screen latency and idle CPU, in tmux.
#
#   scripts/live-latency.sh HOME_DIR [BINARY] [ROUNDS] [SAFETY_NET]
#
# HOME_DIR is a generated corpus (corpus-gen; never a fixture: the view's
# settings file is written under it, its cache goes to a scratch folder).
# The view appends to one of its session files: run it on a scratch copy.
# The dashboard runs on it in a 160x50 tmux pane with the safety net
# (`ui.refresh_interval_seconds`) SAFETY_NET seconds away (default 3600);
# after the first load:
#   - idle CPU: utime + stime from /proc/PID/stat over 10 s with nothing
#     changing (in clock ticks, usually 1/100 s);
#   - latency: ROUNDS times (default 10; 0 measures idle CPU alone), one Pi turn of a fifth of the
#     shown total is appended to an existing session file, and the pane is
#     captured every few milliseconds until the tile's total changes; the
#     time from just before the write to the first capture that shows it.
#     APPEND_TO says which file: `newest` (default), the session started
#     last, as an agent at work writes (its turns are counted on from the
#     last counting), or `first`, the first path in byte order, an old
#     session resumed (everything is counted again).
# The capture itself takes a few ms, so figures are upper bounds to ~10 ms.
set -eu

home=$(cd "$1" && pwd)
binary=${2:-$(cd "$(dirname "$0")/.." && pwd)/target/release/openusage}
rounds=${3:-10}
safety_net=${4:-3600}
scratch=$(mktemp -d)
socket="openusage-latency-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$scratch"' EXIT

mkdir -p "$home/.config/openusage"
printf '{"ui":{"refresh_interval_seconds":%d}}\n' "$safety_net" >"$home/.config/openusage/settings.json"

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
screen() { tmux -L "$socket" capture-pane -p -t t; }
# The first tile's "<n> total", the figure a new turn changes.
total() { screen | grep -o '[0-9.]*[KMB]* total' | head -1; }

tmux -L "$socket" new-session -d -s t -x 160 -y 50 \
    "exec env -i HOME='$home' XDG_CACHE_HOME='$scratch' TERM=xterm-256color PATH= '$binary' dashboard"
pid=$(tmux -L "$socket" list-panes -t t -F '#{pane_pid}')
start=$(now)
until [[ -n $(total) ]]; do sleep 0.05; done
echo "first load: $(awk -v a="$(now)" -v b="$start" 'BEGIN { printf "%.2f", a - b }') s (pid $pid)"
sleep 3

cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
before=$(cpu)
sleep 10
echo "idle CPU over 10 s: $(($(cpu) - before)) ticks of $(getconf CLK_TCK)/s"

case ${APPEND_TO:-newest} in
    first) file=$(find "$home/.pi/agent/sessions" -name '*.jsonl' | sort | head -1) ;;
    # Sessions are named by their start; subagents' files are not sessions.
    newest) file=$(find "$home/.pi/agent/sessions" "$home/.omp/agent/sessions" -name '[0-9]*.jsonl' \
        -printf '%f %p\n' 2>/dev/null | sort | tail -1 | cut -d' ' -f2-) ;;
    *) echo "APPEND_TO is newest or first" >&2; exit 2 ;;
esac
echo "appending to $file"
for round in $(seq 1 "$rounds" | grep -v '^0$'); do
    shown=$(total)
    case $shown in
        *B\ total) tokens=$(awk -v n="${shown% total}" 'BEGIN { printf "%.0f", n * 2e8 }') ;;
        *M\ total) tokens=$(awk -v n="${shown% total}" 'BEGIN { printf "%.0f", n * 2e5 }') ;;
        *) tokens=1000000 ;;
    esac
    line=$(printf '{"type":"message","id":"lat%05d","timestamp":"2026-11-20T11:00:%02d.000Z","message":{"role":"assistant","content":[{"type":"text","text":"done"}],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":%d,"output":0,"cacheRead":0,"cacheWrite":0,"cost":{"total":1.5}},"timestamp":17951724%05d}}' "$round" "$((round % 60))" "$tokens" "$round")
    t0=$(now)
    printf '%s\n' "$line" >>"$file"
    while [[ $(total) == "$shown" ]]; do sleep 0.003; done
    t1=$(now)
    echo "round $round: $shown -> $(total) in $(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.0f", (a - b) * 1000 }') ms"
    sleep 1
done
tmux -L "$socket" send-keys -t t q

#!/usr/bin/env bash
# Whole-program benchmark of `openusage snapshot` on synthetic Pi corpora,
# beside its peers ccusage and tokscale (issue 18).
#
# What it does, for each size in $SIZES:
#   1. builds the release binaries (openusage, corpus-gen), and installs the
#      peers into $BENCH_DIR/peers (npm, pinned versions below) unless
#      PEERS=0;
#   2. generates $BENCH_DIR/<size> with corpus-gen (seed 1) unless it is
#      already there: a corpus is complete once its <size>.stats.json exists
#      beside it, so an interrupted generation is simply redone;
#   3. warms the page cache (every .jsonl read once), so the numbers measure
#      the programs rather than the disk;
#   4. times $RUNS rounds, each running one after the other (paired, so a
#      busy moment of the machine falls on all of them alike):
#        floor     find + grep -c '"role":"assistant"' over every file, the
#                  least any reader that looks at every byte can cost;
#        openusage openusage --now 2026-11-20T12:00:00Z snapshot --json
#                  --provider pi --no-cache, with HOME=<corpus>;
#        ccusage   its native binary: ccusage pi daily --json --offline
#                  --pi-path <corpus>/.pi/agent/sessions,<corpus>/.omp/agent/sessions;
#        tokscale  its native binary: tokscale models --json -c pi,omp
#                  --home <corpus> --no-spinner, its HOME (where it keeps
#                  its cache) a scratch folder removed before each run, so
#                  every run is cold;
#      each with its peak RSS (/usr/bin/time -f %M); best and median kept;
#   5. then openusage alone: the run that fills its cache (once), warm runs
#      (best of $RUNS), and `openusage statusline` warm when the binary has
#      that subcommand;
#   6. checks each program's total tokens (and turns, where it prints them)
#      against what corpus-gen says it wrote, prints a markdown table, and
#      appends one JSON line per corpus to $BENCH_DIR/results.jsonl, with
#      the ratios (peer time / openusage time, openusage time / floor).
#
# Everything runs with a clean environment (env -i): HOME is the corpus or a
# scratch folder, and openusage's settings and cache directories are empty
# ones under $BENCH_DIR, so nothing from the machine's real home is read or
# written. The peers are the peers' code: tokscale has no offline switch and
# tries to fetch prices (a machine without network refuses at once, and it
# prices from what it ships); openusage itself never opens a connection.
#
# Environment:
#   BENCH_DIR  where corpora, caches, peers and results live
#              (default /tmp/openusage-bench)
#   SIZES      corpus sizes, K/M/G suffixes (default "1G 4G"); 1G is about
#              6,400 files and takes about 10 s to generate
#   PEERS      1 (default): time ccusage and tokscale too; 0: openusage
#              and the floor only (no npm needed)
#   RUNS       rounds of paired runs, and warm runs (default 3)
#   OPENUSAGE  the binary to measure (default: the one just built)
#
# Usage: scripts/bench.sh                      # 1G and 4G, with the peers
#        SIZES=256M PEERS=0 scripts/bench.sh   # a quick check
set -euo pipefail
shopt -s inherit_errexit

BENCH_DIR=${BENCH_DIR:-/tmp/openusage-bench}
SIZES=${SIZES:-"1G 4G"}
PEERS=${PEERS:-1}
RUNS=${RUNS:-3}
NOW=2026-11-20T12:00:00Z

# The peers, pinned (npm). ccusage 20.0.24 (published 2026-09-22) is the
# newest whose native package for Linux x64 is published: 20.0.26, the
# latest on 2026-12-03, names @ccusage/ccusage-linux-x64@20.0.26, which the
# registry does not have. tokscale 4.17.0 (published 2026-09-23) is its
# native Linux x64 binary, the latest on 2026-12-03.
CCUSAGE_PACKAGE=@ccusage/ccusage-linux-x64
CCUSAGE_VERSION=20.0.24
TOKSCALE_PACKAGE=@tokscale/cli-linux-x64-gnu
TOKSCALE_VERSION=4.17.0

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OPENUSAGE=${OPENUSAGE:-$TARGET/release/openusage}
CORPUS_GEN=$TARGET/release/corpus-gen
RESULTS=$BENCH_DIR/results.jsonl
PEERS_DIR=$BENCH_DIR/peers
CCUSAGE=$PEERS_DIR/node_modules/$CCUSAGE_PACKAGE/bin/ccusage
TOKSCALE=$PEERS_DIR/node_modules/$TOKSCALE_PACKAGE/bin/tokscale
# What each round times, in order, and how the table names it.
TOOLS=(floor openusage)
declare -A LABELS=(
    [floor]="floor (\`grep -c\`)"
    [openusage]="openusage, cold (\`--no-cache\`)"
    [ccusage]="ccusage $CCUSAGE_VERSION"
    [tokscale]="tokscale $TOKSCALE_VERSION, cold cache"
)

log() { printf '%s\n' "$*" >&2; }

# /usr/bin/time (GNU time) gives the peak RSS; install it when missing.
ensure_time() {
    [[ -x /usr/bin/time ]] && return
    log "installing GNU time for peak RSS"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get install -y time >/dev/null
}

build() {
    log "building release binaries"
    (cd "$ROOT" && cargo build --release --quiet -p openusage -p corpus-gen)
}

# The version of the npm package $1 installed in $PEERS_DIR, if any.
installed_version() {
    local manifest=$PEERS_DIR/node_modules/$1/package.json
    [[ -f $manifest ]] && sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$manifest" | head -n 1
}

# Installs the pinned peers into $PEERS_DIR (a scratch folder) unless they
# are there already. ccusage's package ships its binary without the
# execute bit (its node wrapper sets it on first use): set here.
install_peers() {
    if [[ $(installed_version "$CCUSAGE_PACKAGE") != "$CCUSAGE_VERSION" ||
        $(installed_version "$TOKSCALE_PACKAGE") != "$TOKSCALE_VERSION" ]]; then
        command -v npm >/dev/null || { log "PEERS=1 needs npm (or run with PEERS=0)"; exit 1; }
        log "installing ccusage $CCUSAGE_VERSION and tokscale $TOKSCALE_VERSION into $PEERS_DIR"
        mkdir -p "$PEERS_DIR"
        npm install --prefix "$PEERS_DIR" --no-audit --no-fund --no-save --silent \
            "$CCUSAGE_PACKAGE@$CCUSAGE_VERSION" "$TOKSCALE_PACKAGE@$TOKSCALE_VERSION" >&2
    fi
    chmod +x "$CCUSAGE" "$TOKSCALE"
}

# The corpus of size $1 at $2, generated unless complete.
ensure_corpus() {
    local size=$1 dir=$2
    if [[ -s $dir.stats.json ]]; then
        return
    fi
    log "generating $size corpus in $dir"
    "$CORPUS_GEN" --out "$dir" --size "$size" --seed 1 --force >"$dir.stats.json.tmp"
    mv "$dir.stats.json.tmp" "$dir.stats.json"
}

# Reads every transcript once so later runs find it in the page cache.
warm_page_cache() {
    find -L "$1" -name '*.jsonl' -type f -print0 | xargs -0 cat >/dev/null
}

# Field $2 (a number) of the one-line JSON object in file $1.
json_field() {
    sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1"
}

# Seconds since the epoch, to the microsecond.
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }

# $1 - $2, in seconds with 3 decimals.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# The smallest and the median of the numbers on stdin, one a line: "min median".
min_median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "null null"; exit }
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.3f %.3f\n", v[1], m }'
}

# $1 / $2 with 2 decimals ("null" when either is missing or $2 is 0).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "" || b == "" || a == "null" || b == "null" || b + 0 == 0) print "null"
        else printf "%.2f", a / b }'
}

# The floor: every byte read once by the cheapest search there is. grep
# exits non-zero for a file without a match (so xargs does): not a failure.
floor() {
    find -L "$1" -name '*.jsonl' -type f -print0 | xargs -0 grep -c '"role":"assistant"' || true
}

# Runs "$@" once, its output into file $1 and its messages into file $2,
# and prints "wall_seconds peak_rss_kb". A function (the floor) has no RSS
# of its own: "-".
timed() {
    local out=$1 err=$2 start rss_file wall rss
    shift 2
    rss_file=$(mktemp)
    start=$(now)
    if [[ $(type -t "$1") == function ]]; then
        "$@" >"$out" 2>"$err"
        echo - >"$rss_file"
    else
        /usr/bin/time -f %M -o "$rss_file" "$@" >"$out" 2>"$err"
    fi
    wall=$(elapsed "$(now)" "$start")
    rss=$(tail -n 1 "$rss_file")
    rm -f "$rss_file"
    printf '%s %s\n' "$wall" "$rss"
}

# Sets CMD to openusage on corpus $1 with cache directory $2, running the
# subcommand and arguments that follow.
openusage_cmd() {
    CMD=(env -i HOME="$1" PATH="$PATH" XDG_CACHE_HOME="$2" XDG_CONFIG_HOME="$BENCH_DIR/config"
        "$OPENUSAGE" --now "$NOW" "${@:3}")
}

# Sets CMD to tool $1 cold on corpus $2 (cache directory $3).
tool_cmd() {
    local tool=$1 dir=$2 cache=$3
    case $tool in
        floor) CMD=(floor "$dir") ;;
        openusage) openusage_cmd "$dir" "$cache" snapshot --json --provider pi --no-cache ;;
        ccusage)
            CMD=(env -i HOME="$BENCH_DIR/peer-home" PATH="$PATH" "$CCUSAGE" pi daily --json --offline
                --pi-path "$dir/.pi/agent/sessions,$dir/.omp/agent/sessions")
            ;;
        tokscale)
            # shellcheck disable=SC2054 # "pi,omp" is one argument: its list of clients.
            CMD=(env -i HOME="$BENCH_DIR/peer-home" PATH="$PATH" "$TOKSCALE" models --json -c pi,omp
                --home "$dir" --no-spinner)
            ;;
    esac
}

# "tokens turns cost" as tool $1 printed them in file $2 ("null" for what it
# does not print or could not be read).
totals() {
    python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "null null null"
import json, sys
tool, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
if tool == "openusage":
    s = d["snapshots"][0]
    m = s["metrics"]
    out = (m["total_tokens"]["used"], s["diagnostics"]["turns_counted"], m["total_cost_usd"]["used"])
elif tool == "ccusage":
    t = d["totals"]
    out = (t["totalTokens"], None, t["totalCost"])
elif tool == "tokscale":
    tokens = sum(d[k] for k in ("totalInput", "totalOutput", "totalCacheRead", "totalCacheWrite"))
    out = (tokens, d["totalMessages"], d["totalCost"])
else:
    out = (None, None, None)
print(" ".join("null" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)) for v in out))
PY
}

# The number of sessions openusage counted, from its output in file $1.
sessions_counted() {
    python3 -c '
import json, sys
print(json.load(open(sys.argv[1]))["snapshots"][0]["metrics"]["total_sessions"]["used"])' "$1" 2>/dev/null ||
        echo null
}

# "ok" when $1 equals $2, else how far off: "+5.4%" (null: not printed).
exactness() {
    awk -v got="$1" -v want="$2" 'BEGIN {
        if (got == "null" || got == "") print "not printed"
        else if (got == want) print "exact"
        else printf "%+.1f%%\n", (got - want) * 100 / want }'
}

# One round: every tool of $TOOLS once, in order, cold. Appends
# "tool wall rss" lines to file $1; the last output of each tool stays in
# $OUTS/<tool>.out.
one_round() {
    local log=$1 dir=$2 cache=$3 tool line
    for tool in "${TOOLS[@]}"; do
        rm -rf "$cache" "$BENCH_DIR/peer-home"
        mkdir -p "$BENCH_DIR/peer-home"
        tool_cmd "$tool" "$dir" "$cache"
        line=$(timed "$OUTS/$tool.out" "$OUTS/$tool.err" "${CMD[@]}")
        printf '%s %s\n' "$tool" "$line" >>"$log"
    done
}

# Best and median wall seconds, and the largest peak RSS in MB, of tool $1
# in round log $2: "best median rss_mb".
summary() {
    local best_median rss
    best_median=$(awk -v t="$1" '$1 == t { print $2 }' "$2" | min_median)
    rss=$(awk -v t="$1" '$1 == t && $3 != "-" { if ($3 > m) m = $3 } END {
        if (m == "") print "null"; else printf "%.0f", m / 1024 }' "$2")
    printf '%s %s\n' "$best_median" "$rss"
}

# Best and median seconds of $RUNS runs of "$@" (output discarded): "best median".
best_median_of() {
    local _
    for _ in $(seq "$RUNS"); do
        timed /dev/null "$OUTS/warm.err" "$@" | cut -d' ' -f1
    done | min_median
}

bench_one() {
    local size=$1 name dir cache stats bytes files
    name=$(tr '[:upper:]' '[:lower:]' <<<"$size")
    dir=$BENCH_DIR/$name
    cache=$BENCH_DIR/cache/$name
    stats=$dir.stats.json
    OUTS=$BENCH_DIR/out/$name
    mkdir -p "$OUTS"
    ensure_corpus "$size" "$dir"
    bytes=$(find -L "$dir" -name '*.jsonl' -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }')
    files=$(json_field "$stats" files)
    log "$name: warming the page cache ($bytes bytes, $files files)"
    warm_page_cache "$dir"

    local rounds=$OUTS/rounds.txt round
    : >"$rounds"
    for round in $(seq "$RUNS"); do
        log "$name: paired round $round of $RUNS (${TOOLS[*]})"
        one_round "$rounds" "$dir" "$cache"
    done

    log "$name: openusage cache fill, then warm"
    openusage_cmd "$dir" "$cache" snapshot --json --provider pi
    rm -rf "$cache"
    local fill warm statusline="null null"
    fill=$(timed /dev/null "$OUTS/fill.err" "${CMD[@]}" | cut -d' ' -f1)
    warm=$(best_median_of "${CMD[@]}")
    if "$OPENUSAGE" statusline --help >/dev/null 2>&1; then
        log "$name: openusage statusline, warm"
        openusage_cmd "$dir" "$cache" statusline
        if "${CMD[@]}" </dev/null >/dev/null 2>"$OUTS/statusline.err"; then
            statusline=$(best_median_of "${CMD[@]}" </dev/null)
        else
            log "$name: openusage statusline failed ($OUTS/statusline.err): not timed"
        fi
    fi

    report "$name" "$bytes" "$files" "$stats" "$rounds" "$fill" "$warm" "$statusline"
}

# The table rows and the JSON line of one corpus.
report() {
    local name=$1 bytes=$2 files=$3 stats=$4 rounds=$5 fill=$6 warm=$7 statusline=$8
    local want_tokens want_turns want_sessions want_cost
    want_cost=$(json_field "$stats" cost_usd)
    want_tokens=$(json_field "$stats" tokens)
    want_turns=$(json_field "$stats" turns_unique)
    want_sessions=$(json_field "$stats" sessions)

    local floor_best ou_best tool best median rss tokens turns cost json
    read -r floor_best _ _ < <(summary floor "$rounds")
    read -r ou_best _ _ < <(summary openusage "$rounds")
    local got_sessions
    got_sessions=$(sessions_counted "$OUTS/openusage.out")
    if [[ $got_sessions != "$want_sessions" ]]; then
        log "MISMATCH: openusage counted $got_sessions sessions, corpus-gen wrote $want_sessions"
        ROWS+=("| MISMATCH: openusage counted $got_sessions sessions, corpus-gen wrote $want_sessions | | | | | | | | |")
    fi
    json=$(printf '"corpus":"%s","date":"%s","git":"%s","bytes":%s,"files":%s,"runs":%s,"load_average":"%s","cost_usd_expected":%s,"tokens_expected":%s,"turns_expected":%s,"sessions_expected":%s,"sessions_counted":%s' \
        "$name" "$(date -u +%FT%TZ)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$bytes" "$files" "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$want_cost" "$want_tokens" "$want_turns" "$want_sessions" "$got_sessions")
    ROWS+=("| **$name** ($(awk -v b="$bytes" 'BEGIN { printf "%.2f GB", b / 1e9 }'), $(thousands "$files") files) | | | | | | | | |")
    for tool in "${TOOLS[@]}"; do
        read -r best median rss < <(summary "$tool" "$rounds")
        if [[ $tool == floor ]]; then
            tokens=null turns=null cost=null
        else
            read -r tokens turns cost < <(totals "$tool" "$OUTS/$tool.out")
        fi
        ROWS+=("$(table_row "${LABELS[$tool]}" "$best" "$median" "$rss" "$(ratio "$best" "$ou_best")" \
            "$(ratio "$best" "$floor_best")" "$(count_cell "$tool" "$tokens" "$want_tokens")" \
            "$(count_cell "$tool" "$turns" "$want_turns")" "$(cost_cell "$tool" "$cost" "$want_cost")")")
        json+=$(printf ',"%s":{"best_s":%s,"median_s":%s,"peak_rss_mb":%s,"vs_openusage":%s,"vs_floor":%s,"tokens":%s,"turns":%s,"cost_usd":%s}' \
            "$tool" "$best" "$median" "$rss" "$(ratio "$best" "$ou_best")" "$(ratio "$best" "$floor_best")" \
            "$tokens" "$turns" "$cost")
    done
    local warm_best warm_median status_best status_median
    read -r warm_best warm_median <<<"$warm"
    read -r status_best status_median <<<"$statusline"
    ROWS+=("$(table_row "openusage, filling its cache" "$fill" "" "" "" "$(ratio "$fill" "$floor_best")" "" "" "")")
    ROWS+=("$(table_row "openusage, warm" "$warm_best" "$warm_median" "" "" "" "" "" "")")
    [[ $status_best == null ]] ||
        ROWS+=("$(table_row "openusage statusline, warm" "$status_best" "$status_median" "" "" "" "" "" "")")
    json+=$(printf ',"fill_s":%s,"warm":{"best_s":%s,"median_s":%s},"statusline_warm":{"best_s":%s,"median_s":%s}' \
        "$fill" "$warm_best" "$warm_median" "$status_best" "$status_median")
    printf '{%s}\n' "$json" >>"$RESULTS"
}

# A count tool $1 printed ($2), and how far from the truth ($3).
count_cell() {
    [[ $1 == floor ]] && return
    if [[ $2 == null ]]; then
        printf 'not printed'
    else
        printf '%s (%s)' "$(thousands "$2")" "$(exactness "$2" "$3")"
    fi
}

# The cost in dollars tool $1 printed ($2), and how far from the truth
# ($3): equal to the cent is exact.
cost_cell() {
    [[ $1 == floor ]] && return
    if [[ $2 == null ]]; then
        printf 'not printed'
    else
        printf '$%s (%s)' "$(thousands "$2")" "$(exactness "$2" "$(printf '%.2f' "$3")")"
    fi
}

# 1234567 as 1,234,567.
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

# One markdown row: what, best s, median s, peak RSS MB, × openusage,
# × floor, total tokens, turns, cost.
table_row() {
    local what=$1 best=$2 median=$3 rss=$4 vs_ou=$5 vs_floor=$6 tokens=$7 turns=$8 cost=$9
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$what" "$(seconds "$best")" "$(seconds "$median")" \
        "$(mb "$rss")" "$(times_cell "$vs_ou")" "$(times_cell "$vs_floor")" "$tokens" "$turns" "$cost"
}

seconds() { [[ -z $1 || $1 == null ]] || printf '%s s' "$1"; }
mb() { [[ -z $1 || $1 == null ]] || printf '%s MB' "$1"; }
times_cell() { [[ -z $1 || $1 == null ]] || printf '%s×' "$1"; }

main() {
    ensure_time
    build
    if [[ $PEERS == 1 ]]; then
        install_peers
        TOOLS+=(ccusage tokscale)
    fi
    mkdir -p "$BENCH_DIR/config"
    ROWS=()
    for size in $SIZES; do
        bench_one "$size"
    done
    printf '| %s | best | median | peak RSS | × openusage | × floor | total tokens (vs corpus-gen) | turns | cost |\n' \
        "$RUNS paired runs, page cache warm"
    printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
    printf '%s\n' "${ROWS[@]}"
    printf '\nMeasured %s at %s, %s cores, load average at the end %s.\n' "$(date -u +%F)" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    log "results appended to $RESULTS"
}

main "$@"

#!/usr/bin/env bash
# Refresh the embedded price table (crates/openusage-prices/data/prices.json)
# from LiteLLM's model_prices_and_context_window.json, as shipped in the
# litellm package on PyPI (github.com/BerriAI/litellm).
#
#   scripts/update-prices.sh                         # the newest litellm
#   LITELLM_VERSION=1.110.2 scripts/update-prices.sh # a given release
#
# Uses the network (pip download); never run by CI or the tests. Review the
# diff of prices.json and run `cargo test -p openusage-prices` before
# committing it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/crates/openusage-prices/data/prices.json"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

spec="litellm"
if [[ -n "${LITELLM_VERSION:-}" ]]; then
    spec="litellm==$LITELLM_VERSION"
fi

python3 -m pip download "$spec" --no-deps --only-binary=:all: --dest "$tmp" --quiet
wheel="$(ls "$tmp"/litellm-*.whl)"
version="$(basename "$wheel" | cut -d- -f2)"

unzip -q -o "$wheel" litellm/model_prices_and_context_window_backup.json -d "$tmp/x"
python3 "$root/scripts/trim-prices.py" \
    "$tmp/x/litellm/model_prices_and_context_window_backup.json" \
    "$version" "$(date -u +%F)" "$out"

ls -l "$out"

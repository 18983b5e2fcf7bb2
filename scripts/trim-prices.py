#!/usr/bin/env python3
"""Trim LiteLLM's model price table to what openusage prices records with.

usage: trim-prices.py SOURCE.json VERSION RETRIEVED OUT.json

Keeps the entries whose `mode` is chat, responses or completion and that
have both an input and an output price per token; writes them in USD per
million tokens, one model a line, in a fixed column order (null where
LiteLLM has no value). Run by scripts/update-prices.sh; no network.
"""

import json
import sys

MODES = {"chat", "responses", "completion"}

# Our column -> LiteLLM's key (USD per token).
COLUMNS = [
    ("input", "input_cost_per_token"),
    ("output", "output_cost_per_token"),
    ("cache_read", "cache_read_input_token_cost"),
    ("cache_write", "cache_creation_input_token_cost"),
    ("cache_write_1h", "cache_creation_input_token_cost_above_1hr"),
    ("input_above_200k", "input_cost_per_token_above_200k_tokens"),
    ("output_above_200k", "output_cost_per_token_above_200k_tokens"),
    ("cache_read_above_200k", "cache_read_input_token_cost_above_200k_tokens"),
    ("cache_write_above_200k", "cache_creation_input_token_cost_above_200k_tokens"),
]


def per_million(value):
    """USD per token -> USD per million tokens, float noise removed."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    x = float(f"{value * 1e6:.10g}")
    return int(x) if x.is_integer() else x


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    source, version, retrieved, out = sys.argv[1:]
    with open(source, encoding="utf-8") as f:
        table = json.load(f)
    models = {}
    for key, entry in table.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            continue
        if entry.get("mode") not in MODES:
            continue
        row = [per_million(entry.get(k)) for _, k in COLUMNS]
        if row[0] is None or row[1] is None:
            continue
        models[key] = row
    head = {
        "source": "LiteLLM model_prices_and_context_window.json "
        "(github.com/BerriAI/litellm), PyPI package litellm",
        "version": version,
        "retrieved": retrieved,
        "unit": "USD per million tokens",
        "columns": [c for c, _ in COLUMNS],
    }
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "models": {']
    items = sorted(models.items())
    for i, (key, row) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        lines.append(f"{json.dumps(key, ensure_ascii=False)}: {json.dumps(row)}{comma}")
    lines.append("}}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out}: {len(models)} models from LiteLLM {version}", file=sys.stderr)


if __name__ == "__main__":
    main()

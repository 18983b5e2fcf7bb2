//! Every model the fixtures name resolves to a price, except the ones the
//! fixtures mean to be odd.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use openusage_core::pricing::Prices;
use openusage_prices::PriceTable;
use serde_json::Value;

/// Model ids the fixtures name that no price should match, and why.
const MEANT_UNKNOWN: &[&str] = &[
    // What the readers call a record without a model (Pi: `""` or no
    // `model`; fixtures/pi/EXPECTED.md PE:3, PC:17, PC:18, PA:4).
    "unknown",
    // Claude Code's own API-error placeholder, never a billed model
    // (fixtures/claude/EXPECTED.md F7:22).
    "<synthetic>",
    // Encoding damage: a lone surrogate escape read as U+FFFD
    // (fixtures/pi/EXPECTED.md OI:11).
    "gpt-5\u{FFFD}",
    // A model name a user's LiteLLM proxy gives its own deployment
    // (upstream `litellm`); no public price.
    "qwen3-coder-30b",
    // OpenRouter's id; LiteLLM 1.110.2 lists Kimi K2 only under other hosts
    // (vercel_ai_gateway/, novita/...), and matching is never fuzzy. Pi
    // recorded its cost anyway (fixtures/pi/EXPECTED.md PQ:3).
    "moonshotai/kimi-k2",
];

/// The fixture sets walked, and the upstream provider their records carry
/// when the lines do not say.
const SETS: &[&str] = &["demo", "pi", "codex", "claude"];

fn jsonl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            jsonl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned())
}

/// A model id as the readers keep it: trimmed, `unknown` when empty.
fn model_id(model: Option<String>) -> String {
    model
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// (model, upstream provider) pairs named in one fixture file.
fn models_in(set: &str, path: &Path, out: &mut BTreeSet<(String, Option<String>)>) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let body = String::from_utf8_lossy(&bytes);
    let lines: Vec<Value> = body
        .lines()
        .filter_map(|l| serde_json::from_str(l.trim()).ok())
        .collect();
    // Codex: the provider is the session's `model_provider`.
    let codex_provider = lines
        .iter()
        .filter(|v| v.get("type").and_then(Value::as_str) == Some("session_meta"))
        .find_map(|v| v.get("payload").and_then(|p| text(p, "model_provider")))
        .unwrap_or_else(|| "openai".to_owned());
    for v in &lines {
        let kind = v.get("type").and_then(Value::as_str).unwrap_or_default();
        match set {
            "codex" => {
                if kind == "turn_context"
                    && let Some(model) = v.get("payload").and_then(|p| text(p, "model"))
                {
                    out.insert((model, Some(codex_provider.clone())));
                }
            }
            "claude" => {
                if let Some(m) = v.get("message").filter(|m| m.get("model").is_some()) {
                    out.insert((model_id(text(m, "model")), Some("anthropic".to_owned())));
                }
            }
            _ => {
                if let Some(m) = v.get("message").filter(|m| m.get("model").is_some()) {
                    let provider = text(m, "provider").filter(|p| !p.is_empty());
                    out.insert((model_id(text(m, "model")), provider));
                }
                if kind == "model_change" || kind == "model_usage" {
                    let mut provider = text(v, "provider").filter(|p| !p.is_empty());
                    let mut model = text(v, "modelId");
                    // OMP's `model_change` names `provider/id` in `model`.
                    if model.is_none()
                        && let Some(both) = text(v, "model")
                    {
                        match both.split_once('/') {
                            Some((p, id)) if kind == "model_change" && provider.is_none() => {
                                provider = Some(p.to_owned());
                                model = Some(id.to_owned());
                            }
                            _ => model = Some(both),
                        }
                    }
                    if model.is_some() {
                        out.insert((model_id(model), provider));
                    }
                }
            }
        }
    }
}

#[test]
fn every_fixture_model_is_priced_but_the_odd_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut models = BTreeSet::new();
    for set in SETS {
        let mut files = Vec::new();
        jsonl_files(&root.join(set), &mut files);
        assert!(!files.is_empty(), "no .jsonl under fixtures/{set}");
        for file in &files {
            models_in(set, file, &mut models);
        }
    }
    assert!(models.len() > 10, "{models:?}");
    let prices = PriceTable::new();
    let mut unpriced = Vec::new();
    for (model, upstream) in &models {
        let hit = prices.lookup(model, upstream.as_deref());
        let entry = hit.as_ref().map(|l| l.entry.as_str()).unwrap_or("—");
        println!(
            "{model:?} ({}) → {entry}",
            upstream.as_deref().unwrap_or("no upstream")
        );
        let meant = MEANT_UNKNOWN.contains(&model.as_str());
        if hit.is_none() && !meant {
            unpriced.push((model.clone(), upstream.clone()));
        }
        if meant {
            assert!(
                hit.is_none(),
                "{model:?} is meant to be unknown but matched {entry}"
            );
        }
    }
    assert!(unpriced.is_empty(), "unpriced fixture models: {unpriced:?}");
}

use super::*;

fn lookup(model: &str, upstream: Option<&str>) -> Option<Lookup> {
    PriceTable::new().lookup(model, upstream)
}

fn entry(model: &str, upstream: Option<&str>) -> Option<String> {
    lookup(model, upstream).map(|l| l.entry.as_str().to_owned())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-15
}

#[test]
fn the_embedded_table_parses() {
    let table = match parse(DATA) {
        Ok(table) => table,
        Err(e) => panic!("data/prices.json does not parse: {e}"),
    };
    assert!(table.models.len() > 1000, "{} models", table.models.len());
    assert_eq!(table.source.version, "1.110.2");
    assert_eq!(table.source.retrieved, "2026-12-03");
    assert!(table.source.name.contains("LiteLLM"));
    assert_eq!(model_count(), table.models.len());
    assert_eq!(source(), &table.source);
    assert_eq!(parse_embedded(), Ok(table.models.len()));
}

#[test]
fn known_entries_have_their_list_prices() {
    // Read from data/prices.json (USD per million tokens):
    // "claude-sonnet-4-5": [3, 15, 0.3, 3.75, 6, null, null, null, null]
    let p = lookup("claude-sonnet-4-5", None).map(|l| l.price);
    let p = p.unwrap_or_else(|| panic!("claude-sonnet-4-5 unpriced"));
    assert!(close(p.input, 3e-6));
    assert!(close(p.output, 15e-6));
    assert!(close(p.cache_read.unwrap_or_default(), 0.3e-6));
    assert!(close(p.cache_write.unwrap_or_default(), 3.75e-6));
    assert!(close(p.cache_write_1h.unwrap_or_default(), 6e-6));
    assert_eq!(p.long_context, None);
    // "gemini-2.5-pro": [1.25, 10, 0.125, null, null, 2.5, 15, 0.25, 0.25]
    let g = lookup("gemini-2.5-pro", None).map(|l| l.price);
    let g = g.unwrap_or_else(|| panic!("gemini-2.5-pro unpriced"));
    assert!(close(g.input, 1.25e-6));
    assert!(close(g.output, 10e-6));
    assert_eq!(g.cache_write, None);
    let tier = g.long_context.unwrap_or_else(|| panic!("no tier"));
    assert!(close(tier.input, 2.5e-6));
    assert!(close(tier.output, 15e-6));
    assert!(close(tier.cache_read.unwrap_or_default(), 0.25e-6));
    // "gpt-5": [1.25, 10, 0.125, null, null, null, null, null, null]
    let o = lookup("gpt-5", None).map(|l| l.price);
    let o = o.unwrap_or_else(|| panic!("gpt-5 unpriced"));
    assert!(close(o.input, 1.25e-6));
    assert!(close(o.cache_read.unwrap_or_default(), 0.125e-6));
}

#[test]
fn a_broken_table_is_an_error_not_a_panic() {
    assert!(parse("").is_err());
    assert!(parse("{\"models\": 3}").is_err());
    let other_columns = r#"{"source": "s", "version": "v", "retrieved": "d",
        "columns": ["output","input","cache_read","cache_write","cache_write_1h",
        "input_above_200k","output_above_200k","cache_read_above_200k","cache_write_above_200k"],
        "models": {}}"#;
    assert!(parse(other_columns).is_err());
}

#[test]
fn rows_without_input_or_output_are_left_out() {
    let data = r#"{"source": "s", "version": "v", "retrieved": "d",
        "columns": ["input","output","cache_read","cache_write","cache_write_1h",
        "input_above_200k","output_above_200k","cache_read_above_200k","cache_write_above_200k"],
        "models": {"a": [1, 2, null, null, null, null, null, null, null],
                   "b": [null, 2, null, null, null, null, null, null, null]}}"#;
    let table = parse(data).unwrap_or_else(|e| panic!("{e}"));
    assert!(table.models.contains_key("a"));
    assert!(!table.models.contains_key("b"));
}

#[test]
fn exact_key() {
    assert_eq!(
        entry("claude-sonnet-4-5", None).as_deref(),
        Some("claude-sonnet-4-5")
    );
    assert_eq!(
        entry("claude-sonnet-4-5-20250929", Some("anthropic")).as_deref(),
        Some("claude-sonnet-4-5-20250929")
    );
}

#[test]
fn upstream_prefixed_key() {
    // Only under gemini/: Pi's upstream `google` is LiteLLM's `gemini`.
    assert_eq!(lookup("gemini-4-argon", None), None);
    assert_eq!(
        entry("gemini-4-argon", Some("google")).as_deref(),
        Some("gemini/gemini-4-argon")
    );
    // The upstream's own name as the prefix.
    assert_eq!(lookup("gpt-oss-20b", None), None);
    assert_eq!(
        entry("gpt-oss-20b", Some("Fireworks_AI")).as_deref(),
        Some("fireworks_ai/gpt-oss-20b")
    );
}

#[test]
fn dated_ids() {
    assert_eq!(
        entry("claude-opus-4-8-20261101", None).as_deref(),
        Some("claude-opus-4-8")
    );
    assert_eq!(entry("gpt-5-2026-01-15", None).as_deref(), Some("gpt-5"));
    assert_eq!(
        entry("claude-opus-4-8@20261101", None).as_deref(),
        Some("claude-opus-4-8")
    );
    assert_eq!(strip_date("gpt-5-1234"), None);
    assert_eq!(strip_date("model-19991231"), None);
    assert_eq!(strip_date("20250929"), None);
    // Cuts only at ASCII bytes.
    assert_eq!(strip_date("gpt-5\u{FFFD}\u{FFFD}\u{FFFD}"), None);
}

#[test]
fn provider_prefixes_in_the_id() {
    assert_eq!(entry("openai/gpt-5", None).as_deref(), Some("gpt-5"));
    assert_eq!(
        entry("openrouter/anthropic/claude-sonnet-4.5", Some("openrouter")).as_deref(),
        Some("claude-sonnet-4-5")
    );
    assert_eq!(
        entry("anthropic/claude-haiku-4.5", Some("openrouter")).as_deref(),
        Some("claude-haiku-4-5")
    );
}

#[test]
fn case() {
    assert_eq!(
        entry("Claude-Sonnet-4-5", None).as_deref(),
        Some("claude-sonnet-4-5")
    );
    assert_eq!(entry("GPT-5", Some("OpenAI")).as_deref(), Some("gpt-5"));
}

#[test]
fn retired_anthropic_models() {
    assert_eq!(
        entry("claude-opus-4-1", Some("anthropic")).as_deref(),
        Some("anthropic.claude-opus-4-1-20250805-v1:0")
    );
    assert_eq!(
        entry("claude-sonnet-4-20250514", None).as_deref(),
        Some("anthropic.claude-sonnet-4-20250514-v1:0")
    );
    let opus = lookup("claude-opus-4-20250514", None).map(|l| l.price);
    let opus = opus.unwrap_or_else(|| panic!("claude-opus-4 unpriced"));
    assert!(close(opus.input, 15e-6));
    assert!(close(opus.output, 75e-6));
}

#[test]
fn unknown_ids_have_no_price() {
    for id in [
        "",
        "unknown",
        "<synthetic>",
        "gpt-5\u{FFFD}",
        "claude-sonnet",
        "gpt-5x",
    ] {
        assert_eq!(lookup(id, None), None, "{id:?}");
        assert_eq!(lookup(id, Some("anthropic")), None, "{id:?}");
    }
}

#[test]
fn local_providers_are_free() {
    for up in [
        "ollama",
        "Ollama",
        " lmstudio ",
        "llama.cpp",
        "llamacpp",
        "vllm",
        "local",
    ] {
        let hit = lookup("qwen3-coder:30b", Some(up));
        assert_eq!(
            hit,
            Some(Lookup {
                entry: PriceEntry::Local,
                price: Price::default()
            }),
            "{up}"
        );
    }
    // A priced model run locally is still free.
    assert_eq!(
        lookup("gpt-5", Some("ollama")).map(|l| l.entry),
        Some(PriceEntry::Local)
    );
}

#[test]
fn user_prices_override_the_table_by_exact_id() {
    let prices = PriceTable::new().with_user_prices([
        (
            "gpt-5".to_owned(),
            UserPrice {
                input: 1.0,
                output: 2.0,
                cache_read: Some(0.1),
                cache_write: None,
            },
        ),
        (
            "my-model".to_owned(),
            UserPrice {
                input: 0.5,
                output: 1.5,
                ..UserPrice::default()
            },
        ),
    ]);
    let hit = prices.lookup("gpt-5", Some("openai"));
    let hit = hit.unwrap_or_else(|| panic!("gpt-5 unpriced"));
    assert_eq!(hit.entry, PriceEntry::User);
    assert!(close(hit.price.input, 1e-6));
    assert!(close(hit.price.output, 2e-6));
    assert!(close(hit.price.cache_read.unwrap_or_default(), 0.1e-6));
    assert_eq!(hit.price.cache_write, None);
    assert_eq!(
        prices.lookup("my-model", Some("ollama")).map(|l| l.entry),
        Some(PriceEntry::User)
    );
    // Exact only: another spelling falls through to the table.
    assert_eq!(
        prices.lookup("GPT-5", None).map(|l| l.entry),
        Some(PriceEntry::Table("gpt-5".to_owned()))
    );
}

#[test]
fn user_prices_read_from_settings_json() {
    let json = r#"{"input": 1.0, "output": 2.0, "cache_read": 0.1, "cache_write": 1.25}"#;
    let p: UserPrice = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.cache_write, Some(1.25));
    let p: UserPrice =
        serde_json::from_str(r#"{"input": 1, "output": 2}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.cache_read, None);
    assert!(serde_json::from_str::<UserPrice>(r#"{"input": 1, "outptu": 2}"#).is_err());
}

#[test]
fn describe_a_table_entry() {
    let text = PriceTable::new().describe("claude-sonnet-4-5-20250929", Some("anthropic"));
    let want = "claude-sonnet-4-5-20250929 → claude-sonnet-4-5-20250929 (LiteLLM 1.110.2, 2026-12-03)\n\
         \x20 input         $3.00 / M tokens\n\
         \x20 output       $15.00 / M tokens\n\
         \x20 cache read    $0.30 / M tokens\n\
         \x20 cache write   $3.75 / M tokens (1 hour: $6.00)\n";
    assert_eq!(text, want);
}

#[test]
fn describe_a_long_context_tier_and_missing_cache_prices() {
    let text = PriceTable::new().describe("gemini-2.5-pro", Some("google"));
    assert!(text.starts_with("gemini-2.5-pro → gemini-2.5-pro (LiteLLM 1.110.2, 2026-12-03)\n"));
    assert!(
        text.contains("  cache write   $1.25 / M tokens (input price) (1 hour: $2.50)\n"),
        "{text}"
    );
    assert!(text.ends_with(
        "  above 200k input tokens: input $2.50, output $15.00, cache read $0.25, cache write $0.25\n"
    ));
}

#[test]
fn describe_no_match_user_and_local() {
    let prices = PriceTable::new().with_user_prices([(
        "mine".to_owned(),
        UserPrice {
            input: 1.0,
            output: 2.0,
            ..UserPrice::default()
        },
    )]);
    assert_eq!(
        prices.describe("made-up", None),
        "made-up: no price (not in LiteLLM 1.110.2; add one under \"prices\" in the settings)"
    );
    assert!(
        prices
            .describe("mine", None)
            .starts_with("mine → your price (settings \"prices\")\n  input         $1.00")
    );
    assert_eq!(
        prices.describe("qwen3:8b", Some("ollama")),
        "qwen3:8b → local (ollama): free\n"
    );
}

#[test]
fn candidates_in_order() {
    assert_eq!(
        candidates("OpenRouter/Anthropic/Claude-Sonnet-4.5-20250929"),
        [
            "OpenRouter/Anthropic/Claude-Sonnet-4.5-20250929",
            "openrouter/anthropic/claude-sonnet-4.5-20250929",
            "Anthropic/Claude-Sonnet-4.5-20250929",
            "Claude-Sonnet-4.5-20250929",
            "anthropic/claude-sonnet-4.5-20250929",
            "claude-sonnet-4.5-20250929",
            "OpenRouter/Anthropic/Claude-Sonnet-4.5",
            "openrouter/anthropic/claude-sonnet-4.5",
            "Anthropic/Claude-Sonnet-4.5",
            "Claude-Sonnet-4.5",
            "anthropic/claude-sonnet-4.5",
            "claude-sonnet-4.5",
            "claude-sonnet-4-5-20250929",
            "claude-sonnet-4-5",
        ]
    );
}

//! What the price table costs a run: parsing the embedded table (paid once,
//! at the first lookup) and looking a model up (paid once per model and
//! counting): `cargo bench -p openusage-prices`. The target is under 5 ms
//! added to a run (docs/performance.md).

use divan::{Bencher, black_box};
use openusage_core::pricing::Prices;
use openusage_prices::PriceTable;

fn main() {
    divan::main();
}

#[divan::bench]
fn parse_the_embedded_table() -> Result<usize, String> {
    openusage_prices::parse_embedded()
}

/// Ids as the fixtures record them: exact, provider-prefixed, dated, dotted,
/// retired, local and unknown.
const IDS: &[(&str, Option<&str>)] = &[
    ("gpt-5-codex", Some("openai")),
    ("claude-sonnet-4-5", Some("anthropic")),
    ("claude-sonnet-4-5-20250929", None),
    ("anthropic/claude-opus-4.1", Some("openrouter")),
    ("claude-3-5-sonnet-20241022", None),
    ("qwen3:32b", Some("ollama")),
    ("no-such-model-7", Some("nobody")),
];

#[divan::bench]
fn look_up_seven_ids(bencher: Bencher) {
    let prices = PriceTable::new();
    let _warm = prices.lookup("gpt-5", None);
    bencher.bench_local(|| {
        IDS.iter()
            .filter(|(model, upstream)| black_box(&prices).lookup(model, *upstream).is_some())
            .count()
    });
}

//! What was written, printed as one JSON line at the end so a benchmark
//! (and the end-to-end test) can check a tracker's counts against it.

use crate::catalog::Model;
use crate::usage::Usage;

/// Totals over the whole corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// `.jsonl` files written.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Distinct session ids, one per file (forks and sub-agent transcripts
    /// have their own), every one with at least one turn of its own: the
    /// `total_sessions` a correct tracker reports.
    pub sessions: u64,
    /// Assistant lines written, copies in forks included.
    pub assistant_turns: u64,
    /// Assistant turns counted once across forks: what a correct tracker
    /// counts (every turn has non-zero usage).
    pub turns_unique: u64,
    /// Lines holding an inline base64 image, copies included.
    pub image_lines: u64,
    /// The four token buckets summed over the turns counted once (copies
    /// in forks left out): what a correct tracker reports per bucket.
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// The recorded costs of the same turns, summed exactly in billionths
    /// of a dollar (every list price is a whole number of thousandths per
    /// million tokens), so no order of float addition is baked in.
    pub cost_nano_usd: u64,
    /// Of those turns, the ones recorded at $0 with tokens used (a local
    /// model): a tracker's `unpriced_requests`.
    pub unpriced_turns: u64,
}

impl Stats {
    /// Counts a turn written for the first time (not a fork's copy) with
    /// `usage` at `model`'s prices.
    pub fn count_turn(&mut self, usage: &Usage, model: &Model) {
        self.turns_unique += 1;
        self.input_tokens += usage.input;
        self.output_tokens += usage.output;
        self.cache_read_tokens += usage.cache_read;
        self.cache_write_tokens += usage.cache_write;
        let cost = usage.cost_nano_usd(model);
        self.cost_nano_usd += cost;
        if cost == 0 {
            self.unpriced_turns += 1;
        }
    }

    /// The four buckets together: a tracker's `total_tokens` (not the sum
    /// of the providers' own `totalTokens`, which some leave the cache out
    /// of).
    pub fn tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens
    }

    /// The summed cost in dollars.
    pub fn cost_usd(&self) -> f64 {
        self.cost_nano_usd as f64 / 1e9
    }

    /// `{"files":…,"bytes":…,…}`.
    pub fn to_json(self) -> String {
        format!(
            "{{\"files\":{},\"bytes\":{},\"sessions\":{},\"assistant_turns\":{},\"turns_unique\":{},\"image_lines\":{},\"input_tokens\":{},\"output_tokens\":{},\"cache_read_tokens\":{},\"cache_write_tokens\":{},\"tokens\":{},\"cost_usd\":{},\"unpriced_turns\":{}}}",
            self.files,
            self.bytes,
            self.sessions,
            self.assistant_turns,
            self.turns_unique,
            self.image_lines,
            self.input_tokens,
            self.output_tokens,
            self.cache_read_tokens,
            self.cache_write_tokens,
            self.tokens(),
            self.cost_usd(),
            self.unpriced_turns
        )
    }
}

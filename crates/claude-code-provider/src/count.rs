//! Counting API responses across transcripts: each once, however many
//! streamed records or copied transcripts carry it.

use chrono::{DateTime, Utc};
use openusage_core::Zone;
use openusage_core::aggregate::{Counted, Record, Tokens, kind};
use openusage_core::files::counting_order;
use openusage_core::fxhash::FxHashMap;

use crate::entry::RequestKey;
use crate::file::FileScan;

/// Every response is sent by Anthropic's API.
const UPSTREAM: &str = "anthropic";

/// One API response: where it was first seen, and the largest value of
/// each bucket over all its records (a later streamed record may carry the
/// final output count).
struct Request<'a> {
    session: &'a str,
    at: DateTime<Utc>,
    model: &'a str,
    workspace: Option<String>,
    tokens: Tokens,
    cost_usd: Option<f64>,
}

/// Counts the records of `scans`: files in counting order (first timestamp,
/// then path), records grouped by their request key.
pub fn count<'a>(
    scans: impl IntoIterator<Item = &'a FileScan>,
    now: DateTime<Utc>,
    zone: Zone,
) -> Counted {
    let mut scans: Vec<&FileScan> = scans.into_iter().collect();
    scans.sort_by(|a, b| counting_order((a.started, &a.path), (b.started, &b.path)));
    let mut requests: Vec<Request<'_>> = Vec::new();
    let mut by_key: FxHashMap<&RequestKey, usize> = FxHashMap::default();
    let mut duplicates = 0;
    for scan in scans {
        for line in &scan.records {
            if let Some(&i) = line.key.as_ref().and_then(|k| by_key.get(k)) {
                merge(&mut requests[i], &line.tokens, line.cost_usd);
                duplicates += 1;
                continue;
            }
            if let Some(key) = &line.key {
                by_key.insert(key, requests.len());
            }
            requests.push(Request {
                session: line.session.as_deref().unwrap_or(&scan.stem),
                at: scan.when(line),
                model: &line.model,
                workspace: line
                    .cwd
                    .as_deref()
                    .and_then(openusage_core::workspace_label),
                tokens: line.tokens,
                cost_usd: line.cost_usd,
            });
        }
    }
    let mut counted = Counted::new(now, zone);
    counted.duplicate = duplicates;
    for r in &requests {
        if r.tokens.is_zero() {
            counted.zero += 1;
            continue;
        }
        counted.aggregator.add(&Record {
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            session: r.session,
            at: r.at,
            model: r.model,
            upstream_provider: Some(UPSTREAM),
            workspace: r.workspace.as_deref(),
            tokens: r.tokens,
            cost_usd: r.cost_usd,
        });
        counted.counted += 1;
    }
    counted
}

fn merge(request: &mut Request<'_>, tokens: &Tokens, cost: Option<f64>) {
    let t = &mut request.tokens;
    t.input = t.input.max(tokens.input);
    t.output = t.output.max(tokens.output);
    t.cache_read = t.cache_read.max(tokens.cache_read);
    t.cache_write = t.cache_write.max(tokens.cache_write);
    request.cost_usd = match (request.cost_usd, cost) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
}

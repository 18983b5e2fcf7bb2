//! Counting API responses across transcripts: each once, however many
//! streamed records or copied transcripts carry it, and each `/advisor`
//! call inside a response once too.

use chrono::{DateTime, Utc};
use openusage_core::aggregate::Counted;
use openusage_core::usage::{Origin, Record, Tokens, kind};
use openusage_files::counting_order;
use rustc_hash::FxHashMap;

use crate::entry::{AdvisorUsage, RequestKey, UNKNOWN_MODEL};
use crate::file::FileScan;

/// Every response is sent by Anthropic's API.
const UPSTREAM: &str = "anthropic";

/// One API response: where it was first seen, the first model any of its
/// records names, and the largest value of each bucket over all its records
/// (a later streamed record may carry the final output count).
struct Request<'a> {
    session: &'a str,
    at: DateTime<Utc>,
    model: Option<&'a str>,
    /// The working directory the response's first record gives.
    cwd: Option<&'a str>,
    workspace: Option<String>,
    tokens: Tokens,
    cache_write_1h: u64,
    cost_usd: Option<f64>,
    /// The response's advisor calls by their place among its advisor
    /// iterations, merged over its records like the response itself.
    advisors: Vec<Advisor<'a>>,
}

/// One `/advisor` call of a response.
struct Advisor<'a> {
    nth: u32,
    model: Option<&'a str>,
    tokens: Tokens,
}

/// Counts the records of `scans`: files in counting order (first timestamp,
/// then path), records grouped by their request key.
pub fn count<'a>(scans: impl IntoIterator<Item = &'a FileScan>, mut counted: Counted) -> Counted {
    let mut scans: Vec<&FileScan> = scans.into_iter().collect();
    scans.sort_by(|a, b| counting_order((a.started, &a.path), (b.started, &b.path)));
    let mut requests: Vec<Request<'_>> = Vec::new();
    let mut by_key: FxHashMap<&RequestKey, usize> = FxHashMap::default();
    let mut duplicates = 0;
    for scan in scans {
        for line in &scan.records {
            if let Some(&i) = line.key.as_ref().and_then(|k| by_key.get(k)) {
                let request = &mut requests[i];
                request.model = request.model.or(line.model.as_deref());
                max_into(&mut request.tokens, &line.tokens);
                request.cache_write_1h = request.cache_write_1h.max(line.cache_write_1h);
                request.cost_usd = match (request.cost_usd, line.cost_usd) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                merge_advisors(&mut request.advisors, &line.advisors);
                duplicates += 1;
                continue;
            }
            if let Some(key) = &line.key {
                by_key.insert(key, requests.len());
            }
            let mut advisors = Vec::new();
            merge_advisors(&mut advisors, &line.advisors);
            requests.push(Request {
                session: line.session.as_deref().unwrap_or(&scan.stem),
                at: scan.when(line),
                model: line.model.as_deref(),
                cwd: line.cwd.as_deref(),
                workspace: line
                    .cwd
                    .as_deref()
                    .and_then(openusage_core::workspace_label),
                tokens: line.tokens,
                cache_write_1h: line.cache_write_1h,
                cost_usd: line.cost_usd,
                advisors,
            });
        }
    }
    counted.duplicate = duplicates;
    for r in &requests {
        let mut record = Record {
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            session: r.session,
            at: r.at,
            model: r.model.unwrap_or(UNKNOWN_MODEL),
            upstream_provider: Some(UPSTREAM),
            workspace: r.workspace.as_deref(),
            tokens: r.tokens,
            cache_write_1h: r.cache_write_1h,
            cost_usd: r.cost_usd,
            origin: Origin {
                cwd: r.cwd,
                ..Origin::default()
            },
        };
        add(&mut counted, &record);
        // Each advisor call is a request of its own to its own model, on
        // the response's session, time and workspace.
        for a in &r.advisors {
            record.kind = kind::ADVISOR;
            record.model = a.model.unwrap_or(UNKNOWN_MODEL);
            record.tokens = a.tokens;
            record.cache_write_1h = 0;
            record.cost_usd = None;
            add(&mut counted, &record);
        }
    }
    counted
}

/// Counts `record`, or drops it when its four buckets are all 0.
fn add(counted: &mut Counted, record: &Record<'_>) {
    if record.tokens.is_zero() {
        counted.zero += 1;
    } else {
        counted.aggregator.add(record);
        counted.counted += 1;
    }
}

/// Merges one record's advisor iterations into a response's: the `nth`
/// call is the same call in every record, its model the first one named,
/// each bucket the largest.
fn merge_advisors<'a>(advisors: &mut Vec<Advisor<'a>>, seen: &'a [AdvisorUsage]) {
    for usage in seen {
        match advisors.iter_mut().find(|a| a.nth == usage.nth) {
            Some(a) => {
                a.model = a.model.or(usage.model.as_deref());
                max_into(&mut a.tokens, &usage.tokens);
            }
            None => advisors.push(Advisor {
                nth: usage.nth,
                model: usage.model.as_deref(),
                tokens: usage.tokens,
            }),
        }
    }
    advisors.sort_by_key(|a| a.nth);
}

/// Raises each bucket of `t` to `other`'s when that is larger.
fn max_into(t: &mut Tokens, other: &Tokens) {
    t.input = t.input.max(other.input);
    t.output = t.output.max(other.output);
    t.cache_read = t.cache_read.max(other.cache_read);
    t.cache_write = t.cache_write.max(other.cache_write);
}

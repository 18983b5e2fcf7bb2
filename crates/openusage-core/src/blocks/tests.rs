use chrono::{DateTime, TimeDelta, Utc};

use super::{Block, blocks, max_past_total, percent_of, recent};
use crate::aggregate::Aggregator;
use crate::ledger::Ledger;
use crate::report::Source;
use crate::snapshot::{Snapshot, Status};
use crate::usage::{Record, Tokens, kind};
use crate::zone::Zone;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// (when, model, input tokens, recorded cost), in the order read.
type Line<'a> = (&'a str, &'a str, u64, Option<f64>);

fn ledger(lines: &[Line<'_>]) -> Ledger {
    let now = at("2026-11-20T12:00:00Z");
    let mut agg = Aggregator::new(now, Zone::Utc);
    for &(when, model, input, cost) in lines {
        agg.add(&Record {
            session: "s",
            at: at(when),
            model,
            upstream_provider: None,
            workspace: None,
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens: Tokens {
                input,
                output: 0,
                ..Tokens::default()
            },
            cache_write_1h: 0,
            cost_usd: cost,
            origin: Default::default(),
        });
    }
    agg.fill(&mut Snapshot::new("pi", "pi", now, Status::Ok, ""))
}

fn of(ledger: &Ledger, now: &str) -> Vec<Block> {
    let source = Source {
        provider_id: "pi",
        account_id: "pi",
        ledger,
    };
    blocks(&[source], at(now))
}

/// (start, end, requests, tokens) of each block.
fn spans(blocks: &[Block]) -> Vec<(DateTime<Utc>, DateTime<Utc>, u64, u64)> {
    let span = |b: &Block| (b.start, b.end, b.usage.requests, b.usage.tokens.total());
    blocks.iter().map(span).collect()
}

#[test]
fn a_record_at_the_end_or_after_a_gap_starts_a_new_block_on_its_utc_hour() {
    let l = ledger(&[
        // Read out of order: blocks follow time, not the file order.
        ("2026-11-18T15:00:00Z", "m", 4, None),
        ("2026-11-18T10:20:00Z", "m", 1, None),
        ("2026-11-18T14:59:59Z", "m", 2, None),
        ("2026-11-18T16:40:00Z", "m", 8, None),
        // 16:40 + 5 h = 21:40 < 23:10: a gap over 5 hours.
        ("2026-11-18T23:10:00Z", "m", 16, None),
        ("2026-11-19T03:59:00Z", "m", 32, None),
    ]);
    let got = of(&l, "2026-11-20T12:00:00Z");
    assert_eq!(
        spans(&got),
        [
            // 10:20 floors to 10:00; 14:59:59 is before 15:00.
            (at("2026-11-18T10:00:00Z"), at("2026-11-18T15:00:00Z"), 2, 3),
            // 15:00:00 is the end: a new block, with 16:40.
            (
                at("2026-11-18T15:00:00Z"),
                at("2026-11-18T20:00:00Z"),
                2,
                12
            ),
            // 23:10 floors to 23:00; across midnight to 04:00, with 03:59.
            (
                at("2026-11-18T23:00:00Z"),
                at("2026-11-19T04:00:00Z"),
                2,
                48
            ),
        ]
    );
    assert_eq!(got[0].first, at("2026-11-18T10:20:00Z"));
    assert_eq!(got[0].last, at("2026-11-18T14:59:59Z"));
    assert!(got.iter().all(|b| !b.is_active()));
}

#[test]
fn the_active_block_burns_over_the_time_since_its_first_record() {
    let l = ledger(&[
        ("2026-11-20T10:30:00Z", "m", 1000, Some(0.25)),
        ("2026-11-20T11:45:00Z", "m", 2000, Some(0.5)),
    ]);
    let got = of(&l, "2026-11-20T12:00:00Z");
    let live = got[0].live.unwrap();
    // Block 10:00–15:00; now 12:00: 2 h elapsed, 3 h left.
    assert_eq!(live.elapsed, TimeDelta::hours(2));
    assert_eq!(live.remaining, TimeDelta::hours(3));
    // 3000 tokens and $0.75 over 12:00 − 10:30 = 1.5 h.
    assert_eq!(live.burn.tokens_per_hour, 2000.0);
    assert_eq!(live.burn.cost_usd_per_hour, Some(0.5));
    // 3000 + 2000 × 3 and 0.75 + 0.5 × 3.
    assert_eq!(live.projection.total_tokens, 9000.0);
    assert_eq!(live.projection.cost_usd, Some(2.25));
}

#[test]
fn a_block_seconds_old_burns_over_one_minute_and_no_cost_stays_unknown() {
    let l = ledger(&[("2026-11-20T11:59:50Z", "m", 600, None)]);
    let live = of(&l, "2026-11-20T12:00:00Z")[0].live.unwrap();
    // 10 s since the first record: measured over 1 minute, 600 × 60 / h.
    assert_eq!(live.burn.tokens_per_hour, 36_000.0);
    assert_eq!(live.burn.cost_usd_per_hour, None);
    assert_eq!(live.projection.cost_usd, None);
    // Block 11:00–16:00, 4 h left: 600 + 36 000 × 4.
    assert_eq!(live.projection.total_tokens, 144_600.0);
}

#[test]
fn a_block_whose_end_is_now_is_over() {
    let l = ledger(&[("2026-11-20T07:00:00Z", "m", 1, None)]);
    assert!(!of(&l, "2026-11-20T12:00:00Z")[0].is_active());
    assert!(of(&l, "2026-11-20T11:59:59Z")[0].is_active());
}

#[test]
fn blocks_are_per_account_and_ordered_by_start_then_account() {
    let a = ledger(&[("2026-11-18T10:30:00Z", "m", 1, None)]);
    let b = ledger(&[
        ("2026-11-18T09:10:00Z", "m", 2, None),
        ("2026-11-18T14:10:00Z", "m", 4, None),
    ]);
    let source = |account_id, ledger| Source {
        provider_id: "pi",
        account_id,
        ledger,
    };
    let got = blocks(
        &[source("work", &a), source("home", &b)],
        at("2026-11-20T12:00:00Z"),
    );
    let order: Vec<_> = got
        .iter()
        .map(|b| (b.account_id.as_str(), b.start, b.usage.requests))
        .collect();
    // "home" 09:10 opens 09:00–14:00, so 14:10 opens the next block.
    assert_eq!(
        order,
        [
            ("home", at("2026-11-18T09:00:00Z"), 1),
            ("work", at("2026-11-18T10:00:00Z"), 1),
            ("home", at("2026-11-18T14:00:00Z"), 1),
        ]
    );
}

#[test]
fn models_come_most_tokens_first_and_sum_to_the_block() {
    let l = ledger(&[
        ("2026-11-18T10:05:00Z", "small", 5, Some(0.125)),
        ("2026-11-18T11:05:00Z", "big", 50, Some(0.5)),
        ("2026-11-18T12:05:00Z", "small", 10, Some(0.25)),
    ]);
    let got = of(&l, "2026-11-20T12:00:00Z");
    let models: Vec<_> = got[0]
        .models
        .iter()
        .map(|(n, u)| (n.model.as_str(), u.tokens.total(), u.requests, u.cost_usd))
        .collect();
    assert_eq!(
        models,
        [("big", 50, 1, Some(0.5)), ("small", 15, 2, Some(0.375))]
    );
    assert_eq!(got[0].usage.cost_usd, Some(0.875));
}

#[test]
fn the_blocks_add_up_to_the_ledger() {
    let l = ledger(&[
        ("2026-11-17T22:15:00Z", "a", 7, Some(0.5)),
        ("2026-11-18T02:59:00Z", "b", 11, None),
        ("2026-11-18T03:00:00Z", "a", 13, Some(0.25)),
        ("2026-11-19T12:00:00Z", "b", 17, Some(1.0)),
    ]);
    let got = of(&l, "2026-11-20T12:00:00Z");
    let tokens: u64 = got.iter().map(|b| b.usage.tokens.total()).sum();
    let requests: u64 = got.iter().map(|b| b.usage.requests).sum();
    let rows: u64 = l.rows.iter().map(|r| r.usage.tokens.total()).sum();
    assert_eq!((tokens, requests, got.len()), (rows, 4, 3));
}

#[test]
fn recent_keeps_the_active_and_those_ended_in_the_last_three_days() {
    let l = ledger(&[
        // Ends 2026-11-17T12:00: exactly three days before now: kept.
        ("2026-11-17T07:30:00Z", "m", 100, None),
        // Ends 2026-11-16T11:00: older: dropped.
        ("2026-11-16T06:00:00Z", "m", 300, None),
        ("2026-11-20T11:00:00Z", "m", 1, None),
    ]);
    let now = at("2026-11-20T12:00:00Z");
    let all = of(&l, "2026-11-20T12:00:00Z");
    assert_eq!(max_past_total(&all), Some(300));
    let kept = recent(all, now);
    let starts: Vec<_> = kept.iter().map(|b| b.start).collect();
    assert_eq!(
        starts,
        [at("2026-11-17T07:00:00Z"), at("2026-11-20T11:00:00Z")]
    );
    assert_eq!(percent_of(150, 300), Some(50.0));
    assert_eq!(percent_of(1, 0), None);
    assert_eq!(max_past_total(&kept[1..]), None);
}

#[test]
fn a_record_at_the_last_instants_chrono_knows_makes_a_block_without_panicking() {
    let last = DateTime::<Utc>::MAX_UTC - TimeDelta::minutes(90);
    let mut agg = Aggregator::new(last, Zone::Utc);
    agg.add(&Record {
        session: "s",
        at: last,
        model: "m",
        upstream_provider: None,
        workspace: None,
        kind: kind::ASSISTANT,
        subkind: None,
        response_model: None,
        tokens: Tokens {
            input: 1,
            ..Tokens::default()
        },
        cache_write_1h: 0,
        cost_usd: None,
        origin: Default::default(),
    });
    let l = agg.fill(&mut Snapshot::new("pi", "pi", last, Status::Ok, ""));
    let got = of(&l, "2026-11-20T12:00:00Z");
    // Its hour + 5 h is past the last instant: the block ends there.
    assert_eq!(got[0].end, DateTime::<Utc>::MAX_UTC);
    assert!(got[0].is_active());
}

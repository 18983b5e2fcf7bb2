//! A counting kept between runs: everything [`Counted`] holds that does not
//! depend on `now`, so that an unchanged set of files need not be counted
//! again, only filled into a snapshot at the new `now` ("today" and the
//! 7-day window are made from the ledger at fill time).
//!
//! A kept counting is good only for the zone, the cost mode and the prices
//! it was counted with: [`Kept::restore`] checks all three (each model's
//! price is looked up again and must be the one the counting used), and
//! that every number in it points where it should, and gives nothing
//! otherwise. Whether it is good for the files is the caller's to say (the
//! files' stamps: see `openusage-files`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Aggregator, Counted, DayAcc, KindAcc};
use crate::ledger::{HourRow, Ledger, LedgerBuilder, LedgerRow, SessionInfo};
use crate::pricing::{Lookup, Pricing};
use crate::usage::{ModelKey, Tokens, Usage};
use crate::zone::Zone;
use rustc_hash::FxHashMap;

/// Raise whenever what a [`Kept`] holds, or what counting puts in the
/// aggregator, changes shape or meaning: a saved one of another version is
/// then counted afresh instead of misread.
pub const KEPT_FORMAT: u32 = 1;

/// What a counting produced, but `now`: see the module's overview.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Kept {
    zone: String,
    mode: String,
    counted: u64,
    duplicate: u64,
    zero: u64,
    total: Usage,
    saturated: u64,
    model_usage: Vec<Usage>,
    /// Each model's price, as looked up when it was first met.
    model_prices: Vec<Option<Lookup>>,
    kinds: Vec<KeptKind>,
    days: Vec<KeptDay>,
    sessions: Vec<SessionInfo>,
    models: Vec<ModelKey>,
    rows: Vec<LedgerRow>,
    hours: Vec<HourRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptKind {
    #[serde(with = "crate::usage::kind::serde")]
    kind: crate::usage::kind::Kind,
    usage: Usage,
    subkinds: BTreeMap<String, Usage>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KeptDay {
    #[serde(with = "crate::saved::date")]
    date: NaiveDate,
    /// The sessions with a record that day, by number, ascending.
    sessions: Vec<u32>,
    tokens: Tokens,
}

impl Counted {
    /// What this counting would give at any `now`, to keep; `None` when
    /// the provider added metrics or diagnostics of its own (which may
    /// depend on `now`: Codex's limits), which are never kept.
    pub fn keep(&self) -> Option<Kept> {
        let own = !self.extra_metrics.is_empty()
            || !self.extra_diagnostics.is_empty()
            || !self.limit_metrics.is_empty();
        if own {
            return None;
        }
        let a = &self.aggregator;
        let ledger = a.ledger.ledger();
        Some(Kept {
            zone: a.zone.name().to_owned(),
            mode: a.pricing.mode.name().to_owned(),
            counted: self.counted,
            duplicate: self.duplicate,
            zero: self.zero,
            total: a.total,
            saturated: a.saturated,
            model_usage: a.model_usage.clone(),
            model_prices: a.model_prices.clone(),
            kinds: a.kinds.iter().map(KeptKind::of).collect(),
            days: a.days.iter().map(KeptDay::of).collect(),
            sessions: ledger.sessions.clone(),
            models: ledger.models.clone(),
            rows: ledger.rows.clone(),
            hours: ledger.hours.clone(),
        })
    }
}

impl Kept {
    /// The counting again, at `now`, when it was made in `zone` with
    /// `pricing` (the same mode, and every model priced as it was) and
    /// holds together; else `None`, and the files are to be counted afresh.
    pub fn restore(self, now: DateTime<Utc>, zone: Zone, pricing: Pricing) -> Option<Counted> {
        if self.zone != zone.name() || self.mode != pricing.mode.name() || !self.holds() {
            return None;
        }
        let priced_alike = self
            .models
            .iter()
            .zip(&self.model_prices)
            .all(|(key, kept)| pricing.lookup_model(key) == *kept);
        if !priced_alike {
            return None;
        }
        let sessions: FxHashMap<String, u32> = self
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i as u32))
            .collect();
        let models: FxHashMap<ModelKey, u32> = self
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.clone(), i as u32))
            .collect();
        // Each session id and model once, as a counting numbers them.
        if sessions.len() != self.sessions.len() || models.len() != self.models.len() {
            return None;
        }
        let ledger = Ledger {
            zone,
            sessions: self.sessions,
            models: self.models,
            rows: self.rows,
            hours: self.hours,
        };
        let aggregator = Aggregator {
            zone,
            now,
            sessions,
            total: self.total,
            models,
            model_usage: self.model_usage,
            kinds: self.kinds.into_iter().map(KeptKind::restored).collect(),
            days: self.days.into_iter().map(KeptDay::restored).collect(),
            ledger: LedgerBuilder::restored(ledger)?,
            saturated: self.saturated,
            pricing,
            model_prices: self.model_prices,
        };
        Some(Counted {
            aggregator,
            counted: self.counted,
            duplicate: self.duplicate,
            zero: self.zero,
            extra_metrics: Vec::new(),
            extra_diagnostics: Vec::new(),
            limit_metrics: Vec::new(),
            now,
        })
    }

    /// Every session and model number points into its list, each model
    /// has its sums and price, and the days are in order: what a counting
    /// always makes. (That ids and row keys are each once is checked as
    /// their maps are built again.)
    fn holds(&self) -> bool {
        let (sessions, models) = (self.sessions.len(), self.models.len());
        let session = |s: u32| (s as usize) < sessions;
        let model = |m: u32| (m as usize) < models;
        self.model_usage.len() == models
            && self.model_prices.len() == models
            && self
                .rows
                .iter()
                .all(|r| session(r.session) && model(r.model))
            && self.hours.iter().all(|h| model(h.model))
            && self.days.windows(2).all(|w| w[0].date < w[1].date)
            && self
                .days
                .iter()
                .all(|d| d.sessions.iter().all(|&s| session(s)))
    }
}

impl KeptKind {
    fn of((kind, acc): (&&'static str, &KindAcc)) -> Self {
        KeptKind {
            kind,
            usage: acc.usage,
            subkinds: acc.subkinds.clone(),
        }
    }

    fn restored(self) -> (&'static str, KindAcc) {
        let acc = KindAcc {
            usage: self.usage,
            subkinds: self.subkinds,
        };
        (self.kind, acc)
    }
}

impl KeptDay {
    fn of((date, day): (&NaiveDate, &DayAcc)) -> Self {
        let mut sessions: Vec<u32> = day.sessions.iter().copied().collect();
        sessions.sort_unstable();
        KeptDay {
            date: *date,
            sessions,
            tokens: day.tokens,
        }
    }

    fn restored(self) -> (NaiveDate, DayAcc) {
        let day = DayAcc {
            sessions: self.sessions.into_iter().collect(),
            tokens: self.tokens,
        };
        (self.date, day)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::pricing::{CostMode, Price, PriceEntry, Prices};
    use crate::snapshot::{Snapshot, Status};
    use crate::usage::{Record, kind};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// One price for every model.
    #[derive(Debug)]
    struct Flat(f64);

    impl Prices for Flat {
        fn lookup(&self, _: &str, _: Option<&str>) -> Option<Lookup> {
            Some(Lookup {
                entry: PriceEntry::User,
                price: Price {
                    input: self.0,
                    ..Price::default()
                },
            })
        }
    }

    fn pricing(price: f64, mode: CostMode) -> Pricing {
        Pricing {
            prices: Arc::new(Flat(price)),
            mode,
        }
    }

    /// Sessions on several days, two models, two kinds, a subkind, one
    /// record without a cost (estimated).
    fn records() -> Vec<Record<'static>> {
        let rec = |session, when, model, kind, input| Record {
            session,
            at: at(when),
            model,
            upstream_provider: None,
            workspace: Some("w"),
            kind,
            subkind: (kind == kind::USAGE).then_some("cache_warm"),
            response_model: None,
            tokens: Tokens {
                input,
                output: 2,
                ..Tokens::default()
            },
            cache_write_1h: 0,
            cost_usd: (input != 7).then_some(0.5),
            origin: Default::default(),
        };
        vec![
            rec("a", "2026-11-10T08:00:00Z", "m1", kind::ASSISTANT, 10),
            rec("a", "2026-11-18T23:30:00Z", "m2", kind::ASSISTANT, 7),
            rec("b", "2026-11-19T09:00:00Z", "m1", kind::USAGE, 3),
            rec("c", "2026-11-20T10:00:00Z", "m1", kind::ASSISTANT, 5),
            rec("c", "2026-11-20T11:00:00Z", "m1", kind::ASSISTANT, 5),
        ]
    }

    fn counted(now: DateTime<Utc>, zone: Zone, pricing: Pricing) -> Counted {
        let mut counted = Counted::priced(now, zone, pricing);
        for r in records() {
            counted.aggregator.add(&r);
            counted.counted += 1;
        }
        counted.duplicate = 3;
        counted
    }

    fn filled(counted: Counted) -> (Snapshot, Ledger, (u64, u64, u64)) {
        let mut snapshot = Snapshot::new("p", "a", counted.now, Status::Ok, "");
        let numbers = (counted.counted, counted.duplicate, counted.zero);
        let ledger = counted.aggregator.fill(&mut snapshot);
        (snapshot, ledger, numbers)
    }

    fn same(a: (Snapshot, Ledger, (u64, u64, u64)), b: (Snapshot, Ledger, (u64, u64, u64))) {
        assert_eq!(a.0, b.0);
        assert_eq!(a.2, b.2);
        assert_eq!(a.1.rows, b.1.rows);
        assert_eq!(a.1.hours, b.1.hours);
        assert_eq!(a.1.sessions, b.1.sessions);
        assert_eq!(a.1.models, b.1.models);
    }

    #[test]
    fn a_kept_counting_fills_as_a_fresh_one_at_any_now() {
        let zone = Zone::parse("Europe/Warsaw", &crate::Env::new("/")).unwrap();
        let first = at("2026-11-20T12:00:00Z");
        let kept = counted(first, zone, pricing(1e-6, CostMode::Auto))
            .keep()
            .unwrap();
        // Later: "today" and the 7-day window move, nothing else.
        for now in [
            first,
            at("2026-11-21T00:30:00Z"),
            at("2026-11-26T10:00:00Z"),
        ] {
            let fresh = filled(counted(now, zone, pricing(1e-6, CostMode::Auto)));
            let restored = kept
                .clone()
                .restore(now, zone, pricing(1e-6, CostMode::Auto))
                .unwrap();
            same(filled(restored), fresh);
        }
        // A restored counting goes on as the fresh one does.
        let mut restored = kept
            .restore(first, zone, pricing(1e-6, CostMode::Auto))
            .unwrap();
        let mut fresh = counted(first, zone, pricing(1e-6, CostMode::Auto));
        for r in records().iter().take(2) {
            restored.aggregator.add(r);
            fresh.aggregator.add(r);
        }
        same(filled(restored), filled(fresh));
    }

    #[test]
    fn another_zone_mode_or_price_is_counted_afresh() {
        let now = at("2026-11-20T12:00:00Z");
        let kept = counted(now, Zone::Utc, pricing(1e-6, CostMode::Auto))
            .keep()
            .unwrap();
        let warsaw = Zone::parse("Europe/Warsaw", &crate::Env::new("/")).unwrap();
        let again = |zone, pricing| kept.clone().restore(now, zone, pricing).is_some();
        assert!(again(Zone::Utc, pricing(1e-6, CostMode::Auto)));
        assert!(!again(warsaw, pricing(1e-6, CostMode::Auto)));
        assert!(!again(Zone::Utc, pricing(1e-6, CostMode::Calculate)));
        assert!(!again(Zone::Utc, pricing(2e-6, CostMode::Auto)));
        assert!(!again(Zone::Utc, Pricing::none()));
    }

    #[test]
    fn a_counting_with_metrics_of_its_own_is_not_kept() {
        let now = at("2026-11-20T12:00:00Z");
        let mut own = counted(now, Zone::Utc, Pricing::none());
        own.extra_diagnostics
            .push((crate::keys::diagnostic::TURNS_ZERO, 1));
        assert!(own.keep().is_none());
    }

    #[test]
    fn a_kept_counting_that_does_not_hold_together_is_refused() {
        let now = at("2026-11-20T12:00:00Z");
        let kept = counted(now, Zone::Utc, Pricing::none()).keep().unwrap();
        let breaks: [fn(&mut Kept); 6] = [
            |k| k.rows[0].session = 99,
            |k| k.hours[0].model = 99,
            |k| k.days[0].sessions.push(99),
            |k| drop(k.model_prices.pop()),
            |k| k.sessions[1].id = k.sessions[0].id.clone(),
            |k| {
                let row = k.rows[0].clone();
                k.rows.push(row);
            },
        ];
        for (i, make) in breaks.iter().enumerate() {
            let mut bad = kept.clone();
            make(&mut bad);
            assert!(
                bad.restore(now, Zone::Utc, Pricing::none()).is_none(),
                "{i}"
            );
        }
    }
}

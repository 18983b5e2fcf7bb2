//! From counted usage records to a snapshot's metrics, per-model records,
//! usage by kind and daily series, and to the [`Ledger`] reports are made
//! from. Every provider feeds its records here, so "a session today" or
//! "tokens per day" means the same thing on every tile and in every report.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::humanize;
use crate::keys::{DiagnosticKey, MetricKey, metric, series};
use crate::ledger::{Ledger, LedgerBuilder};
use crate::pricing::{CostMode, Lookup, PriceEntry, Pricing};
use crate::snapshot::{DailyPoint, KindUsage, Metric, ModelUsage, RECENT_SESSIONS, Snapshot};
use crate::usage::{ModelKey, Record, RecordCost, Tokens, Usage};
use crate::zone::Zone;
use rustc_hash::{FxHashMap, FxHashSet};

mod kept;

pub use kept::{KEPT_FORMAT, Kept};

/// Sums records as they arrive. Feed records in a deterministic order: cost
/// is a float sum, and its last bits depend on the order of addition.
#[derive(Debug)]
pub struct Aggregator {
    zone: Zone,
    /// What "today" and the 7-day window are counted from, at
    /// [`Aggregator::fill`] (nothing else depends on it, so a counting can
    /// be kept and filled again at another `now`: see [`Kept`]).
    now: DateTime<Utc>,
    sessions: FxHashMap<String, u32>,
    total: Usage,
    /// Each model's number, an index into `model_usage` and the ledger's models.
    models: FxHashMap<ModelKey, u32>,
    model_usage: Vec<Usage>,
    kinds: BTreeMap<&'static str, KindAcc>,
    days: BTreeMap<NaiveDate, DayAcc>,
    ledger: LedgerBuilder,
    /// Records whose addition saturated a sum of the totals.
    saturated: u64,
    pricing: Pricing,
    /// Each model's price (by its number), looked up when first met.
    model_prices: Vec<Option<Lookup>>,
}

/// One kind's sums, and each of its subkinds' sums.
#[derive(Debug, Default)]
struct KindAcc {
    usage: Usage,
    subkinds: BTreeMap<String, Usage>,
}

impl KindAcc {
    fn add(&mut self, record: &Record<'_>, cost: &RecordCost) {
        self.usage.add_record(record, cost);
        if let Some(sub) = record.subkind {
            match self.subkinds.get_mut(sub) {
                Some(u) => {
                    u.add_record(record, cost);
                }
                None => {
                    let mut u = Usage::default();
                    u.add_record(record, cost);
                    self.subkinds.insert(sub.to_owned(), u);
                }
            }
        }
    }
}

#[derive(Debug, Default)]
struct DayAcc {
    sessions: FxHashSet<u32>,
    /// By bucket, so that a day saturates as the totals do.
    tokens: Tokens,
}

/// What a provider's counting of its files produced.
#[derive(Debug)]
pub struct Counted {
    pub aggregator: Aggregator,
    /// Usage records counted.
    pub counted: u64,
    /// Records dropped as copies of one already counted.
    pub duplicate: u64,
    /// Records dropped because their four buckets were all 0.
    pub zero: u64,
    /// Metrics of the provider's own, shown when any session counts
    /// (Codex's reasoning tokens).
    pub extra_metrics: Vec<(MetricKey, Metric)>,
    /// Diagnostic counters of the provider's own, written after the shared
    /// ones (Codex's `snapshots_stale`).
    pub extra_diagnostics: Vec<(DiagnosticKey, u64)>,
    /// Limit readings named at run time (`rate_limit_<limit_id>_primary`),
    /// shown with the other metrics.
    pub limit_metrics: Vec<(String, Metric)>,
    /// The snapshot's `now`, against which a limit's reset has passed.
    pub now: DateTime<Utc>,
}

impl Counted {
    /// Nothing counted yet, with days as [`Aggregator::new`] sees them and
    /// no prices.
    pub fn new(now: DateTime<Utc>, zone: Zone) -> Self {
        Counted::priced(now, zone, Pricing::none())
    }

    /// Nothing counted yet; records are estimated with `pricing`.
    pub fn priced(now: DateTime<Utc>, zone: Zone, pricing: Pricing) -> Self {
        Counted {
            aggregator: Aggregator::priced(now, zone, pricing),
            counted: 0,
            duplicate: 0,
            zero: 0,
            extra_metrics: Vec::new(),
            limit_metrics: Vec::new(),
            now,
            extra_diagnostics: Vec::new(),
        }
    }
}

/// What the records added up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub sessions: u64,
    pub tokens: Tokens,
    pub cost_usd: Option<f64>,
    /// Records whose addition saturated a sum of the totals (a bucket at
    /// [`Tokens::MAX_SUM`], the cost at `f64::MAX`): the figures are then
    /// lower bounds, and the snapshot says so (`sums_saturated`).
    pub saturated: u64,
}

impl Aggregator {
    /// Days are calendar days in `zone`; "today" is `now`'s, and the 7-day
    /// window starts exactly `7 * 24h` before `now`.
    pub fn new(now: DateTime<Utc>, zone: Zone) -> Self {
        Aggregator::priced(now, zone, Pricing::none())
    }

    /// [`Aggregator::new`], estimating the records whose agent recorded no
    /// usable cost with `pricing` (and, in `calculate` mode, every record).
    pub fn priced(now: DateTime<Utc>, zone: Zone, pricing: Pricing) -> Self {
        Aggregator {
            zone,
            now,
            sessions: FxHashMap::default(),
            total: Usage::default(),
            models: FxHashMap::default(),
            model_usage: Vec::new(),
            kinds: BTreeMap::new(),
            days: BTreeMap::new(),
            ledger: LedgerBuilder::new(zone),
            saturated: 0,
            pricing,
            model_prices: Vec::new(),
        }
    }

    pub fn add(&mut self, record: &Record<'_>) {
        let next = self.sessions.len() as u32;
        let session = *self
            .sessions
            .entry(record.session.to_owned())
            .or_insert(next);
        let day = self.zone.date(record.at);
        let model = self.model(record);
        let cost = self.cost(model, record);
        if self.total.add_record(record, &cost) {
            self.saturated += 1;
        }
        self.kinds
            .entry(record.kind)
            .or_default()
            .add(record, &cost);
        self.model_usage[model as usize].add_record(record, &cost);
        self.ledger.add(session, day, model, record, &cost);

        let day = self.days.entry(day).or_default();
        day.sessions.insert(session);
        day.tokens.add(&record.tokens);
    }

    /// The number of `record`'s model, numbered as first met.
    fn model(&mut self, record: &Record<'_>) -> u32 {
        let key = ModelKey::of(record);
        if let Some(&model) = self.models.get(&key) {
            return model;
        }
        let model = self.model_usage.len() as u32;
        self.model_usage.push(Usage::default());
        self.model_prices.push(self.pricing.lookup(record));
        self.ledger.add_model(key.clone());
        self.models.insert(key, model);
        model
    }

    /// What `record` (of model number `model`) costs besides what its agent
    /// recorded: an estimate when it needs one, its list price when the
    /// mode asks for every record's.
    fn cost(&self, model: u32, record: &Record<'_>) -> RecordCost {
        let lookup = self.model_prices[model as usize].as_ref();
        let price = lookup.map(|l| &l.price);
        let needs = record.needs_estimate();
        let at_list = price.map(|p| p.cost(record));
        RecordCost {
            estimated: at_list.filter(|_| needs),
            unknown: needs && price.is_none(),
            calculated: at_list.filter(|_| self.pricing.mode == CostMode::Calculate),
            unlisted: price.is_none(),
            local: lookup.is_some_and(|l| l.entry == PriceEntry::Local),
        }
    }

    /// The totals so far.
    pub fn totals(&self) -> Totals {
        Totals {
            sessions: self.sessions.len() as u64,
            tokens: self.total.tokens,
            cost_usd: self.total.cost_usd,
            saturated: self.saturated,
        }
    }

    /// Writes metrics, per-model records, usage by kind, daily series and
    /// the latest sessions into `snapshot`, replacing what was there, and
    /// returns the ledger the reports are made from. With no records, metrics, model usage and
    /// kinds stay empty and both series are present but empty.
    pub fn fill(self, snapshot: &mut Snapshot) -> Ledger {
        snapshot.metrics = self.metrics();
        snapshot.model_usage = self.model_usage();
        snapshot.usage_by_kind = self
            .kinds
            .iter()
            .map(|(kind, acc)| KindUsage::new(kind, &acc.usage, &acc.subkinds))
            .collect();
        let (sessions, tokens) = self.series();
        snapshot
            .daily_series
            .insert(series::SESSIONS.to_string(), sessions);
        snapshot
            .daily_series
            .insert(series::TOKENS.to_string(), tokens);
        let ledger = self.ledger.finish();
        snapshot.recent_sessions = ledger.recent_sessions(RECENT_SESSIONS);
        ledger
    }

    fn metrics(&self) -> BTreeMap<String, Metric> {
        let mut m = BTreeMap::new();
        if self.sessions.is_empty() {
            return m;
        }
        let mut put = |key: MetricKey, metric: Metric| {
            m.insert(key.to_string(), metric);
        };
        put(
            metric::TOTAL_SESSIONS,
            Metric::count(self.sessions.len() as u64, "sessions", "all-time"),
        );
        let (today, week) = self.sessions_in_windows();
        put(
            metric::SESSIONS_TODAY,
            Metric::count(today, "sessions", "today"),
        );
        put(metric::SESSIONS_7D, Metric::count(week, "sessions", "7d"));
        let t = &self.total.tokens;
        put(
            metric::TOTAL_INPUT_TOKENS,
            Metric::count(t.input, "tokens", "all-time"),
        );
        put(
            metric::TOTAL_OUTPUT_TOKENS,
            Metric::count(t.output, "tokens", "all-time"),
        );
        put(
            metric::TOTAL_CACHE_READ,
            Metric::count(t.cache_read, "tokens", "all-time"),
        );
        put(
            metric::TOTAL_CACHE_WRITE,
            Metric::count(t.cache_write, "tokens", "all-time"),
        );
        put(
            metric::TOTAL_TOKENS,
            Metric::count(t.total(), "tokens", "all-time"),
        );
        if let Some(cost) = self.total.cost_usd {
            put(
                metric::TOTAL_COST_USD,
                Metric::amount(cost, "USD", "all-time"),
            );
        }
        if self.total.unpriced > 0 {
            put(
                metric::UNPRICED_REQUESTS,
                Metric::count(self.total.unpriced, "requests", "all-time"),
            );
        }
        if self.total.uncosted > 0 {
            put(
                metric::UNCOSTED_REQUESTS,
                Metric::count(self.total.uncosted, "requests", "all-time"),
            );
        }
        if let Some(cost) = self.total.estimated_cost_usd {
            put(
                metric::ESTIMATED_COST_USD,
                Metric::estimate(cost, "USD", "all-time"),
            );
        }
        if self.total.unknown_cost > 0 {
            put(
                metric::UNKNOWN_COST_REQUESTS,
                Metric::count(self.total.unknown_cost, "requests", "all-time"),
            );
        }
        if let Some(cost) = self.total.calculated_cost_usd {
            put(
                metric::CALCULATED_COST_USD,
                Metric::estimate(cost, "USD", "all-time"),
            );
        }
        m
    }

    /// The sessions with a record on `now`'s day, and with one at or after
    /// exactly `7 * 24h` before `now`: from the ledger's rows (a row's date
    /// is its records' day, its `last` their latest instant), so they are
    /// made anew for each `now`.
    fn sessions_in_windows(&self) -> (u64, u64) {
        let today = self.zone.date(self.now);
        let week_start = self.now - Duration::days(7);
        let ledger = self.ledger.ledger();
        let mut seen = vec![(false, false); ledger.sessions.len()];
        for row in &ledger.rows {
            if let Some((on_today, in_week)) = seen.get_mut(row.session as usize) {
                *on_today |= row.date == today;
                *in_week |= row.last >= week_start;
            }
        }
        let count =
            |pick: fn(&(bool, bool)) -> bool| seen.iter().filter(|s| pick(s)).count() as u64;
        (count(|s| s.0), count(|s| s.1))
    }

    fn model_usage(&self) -> Vec<ModelUsage> {
        let mut rows: Vec<(&ModelKey, usize)> = self
            .models
            .iter()
            .map(|(key, &model)| (key, model as usize))
            .collect();
        let usage = |model: usize| &self.model_usage[model];
        rows.sort_by(|(ka, a), (kb, b)| {
            usage(*b)
                .tokens
                .total()
                .cmp(&usage(*a).tokens.total())
                .then_with(|| ka.cmp(kb))
        });
        rows.into_iter()
            .map(|(key, model)| {
                let entry = self.model_prices[model].as_ref().map(|l| &l.entry);
                ModelUsage::new(key, usage(model), entry)
            })
            .collect()
    }

    fn series(&self) -> (Vec<DailyPoint>, Vec<DailyPoint>) {
        self.days
            .iter()
            .map(|(&date, day)| {
                (
                    DailyPoint {
                        date,
                        value: day.sessions.len() as u64,
                    },
                    DailyPoint {
                        date,
                        value: day.tokens.total(),
                    },
                )
            })
            .unzip()
    }
}

impl Totals {
    /// `12 sessions, 3.40M tokens, $41.20` (cost only when recorded).
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{}, {} tokens",
            humanize::plural(self.sessions, "session", "sessions"),
            humanize::count(self.tokens.total())
        );
        if let Some(cost) = self.cost_usd {
            text.push_str(", ");
            text.push_str(&humanize::usd(cost));
        }
        if self.saturated > 0 {
            text.push_str(" (at least: sums saturated)");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{MetricValue, Status};
    use crate::usage::kind;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rec<'a>(
        session: &'a str,
        when: &str,
        model: &'a str,
        input: u64,
        cost: Option<f64>,
    ) -> Record<'a> {
        Record {
            session,
            at: at(when),
            model,
            upstream_provider: Some("anthropic"),
            workspace: Some("webapp"),
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens: Tokens {
                input,
                output: 1,
                cache_read: 0,
                cache_write: 0,
            },
            cache_write_1h: 0,
            cost_usd: cost,
            origin: Default::default(),
        }
    }

    fn filled_in(zone: Zone, records: &[Record<'_>]) -> (Snapshot, Ledger) {
        let now = at("2026-11-20T12:00:00Z");
        let mut agg = Aggregator::new(now, zone);
        records.iter().for_each(|r| agg.add(r));
        let mut snap = Snapshot::new("p", "a", now, Status::Ok, "");
        let ledger = agg.fill(&mut snap);
        (snap, ledger)
    }

    fn filled(records: &[Record<'_>]) -> Snapshot {
        filled_in(Zone::Utc, records).0
    }

    fn used(s: &Snapshot, name: &str) -> MetricValue {
        s.metrics[name].used
    }

    #[test]
    fn session_windows_use_the_utc_day_and_a_rolling_seven_days() {
        let s = filled(&[
            rec("today", "2026-11-20T00:00:00Z", "m", 1, None),
            rec("edge", "2026-11-13T12:00:00Z", "m", 1, None),
            rec("outside", "2026-11-13T11:59:59Z", "m", 1, None),
            rec("future", "2026-11-21T00:00:00Z", "m", 1, None),
        ]);
        assert_eq!(used(&s, "total_sessions"), MetricValue::Count(4));
        assert_eq!(used(&s, "sessions_today"), MetricValue::Count(1));
        assert_eq!(used(&s, "sessions_7d"), MetricValue::Count(3));
    }

    #[test]
    fn daily_series_count_distinct_sessions_and_sum_tokens_per_day() {
        let s = filled(&[
            rec("a", "2026-11-19T10:00:00Z", "m", 10, None),
            rec("a", "2026-11-19T11:00:00Z", "m", 10, None),
            rec("b", "2026-11-19T23:59:59Z", "m", 5, None),
            rec("a", "2026-11-01T00:00:00Z", "m", 1, None),
        ]);
        let days: Vec<_> = s.daily_series["sessions"]
            .iter()
            .map(|p| (p.date.to_string(), p.value))
            .collect();
        assert_eq!(
            days,
            [("2026-11-01".to_owned(), 1), ("2026-11-19".to_owned(), 2)]
        );
        let tokens: Vec<_> = s.daily_series["tokens"].iter().map(|p| p.value).collect();
        assert_eq!(tokens, [2, 11 + 11 + 6]);
    }

    #[test]
    fn cost_is_present_only_when_recorded_and_zero_is_a_recorded_cost() {
        let none = filled(&[rec("a", "2026-11-19T10:00:00Z", "m", 1, None)]);
        assert!(!none.metrics.contains_key("total_cost_usd"));
        assert_eq!(none.model_usage[0].cost_usd, None);
        let zero = filled(&[
            rec("a", "2026-11-19T10:00:00Z", "m", 1, Some(0.0)),
            rec("a", "2026-11-19T10:00:00Z", "m", 1, None),
        ]);
        assert_eq!(used(&zero, "total_cost_usd"), MetricValue::Amount(0.0));
        assert_eq!(zero.model_usage[0].cost_usd, Some(0.0));
    }

    #[test]
    fn a_cost_sum_saturates_rather_than_becoming_infinite() {
        let huge = rec("a", "2026-11-19T10:00:00Z", "m", 1, Some(1.7e308));
        let s = filled(&[huge, huge]);
        assert_eq!(used(&s, "total_cost_usd"), MetricValue::Amount(f64::MAX));
        assert_eq!(s.model_usage[0].cost_usd, Some(f64::MAX));
        assert_eq!(s.usage_by_kind[0].cost_usd, Some(f64::MAX));
    }

    #[test]
    fn model_rows_sort_by_tokens_then_by_names() {
        let s = filled(&[
            rec("a", "2026-11-19T10:00:00Z", "b-model", 5, None),
            rec("a", "2026-11-19T10:00:00Z", "a-model", 5, None),
            rec("a", "2026-11-19T10:00:00Z", "small", 1, None),
            rec("a", "2026-11-19T10:00:00Z", "big", 100, None),
        ]);
        let order: Vec<_> = s
            .model_usage
            .iter()
            .map(|m| m.raw_model_id.as_str())
            .collect();
        assert_eq!(order, ["big", "a-model", "b-model", "small"]);
        assert_eq!(s.model_usage[0].requests, 1);
        assert_eq!(s.model_usage[0].total_tokens, 101);
    }

    #[test]
    fn nothing_counted_leaves_metrics_empty_and_series_present() {
        let s = filled(&[]);
        assert!(s.metrics.is_empty());
        assert!(s.model_usage.is_empty());
        assert_eq!(s.daily_series["sessions"], []);
        assert_eq!(s.daily_series["tokens"], []);
    }

    #[test]
    fn days_and_today_follow_the_zone() {
        let warsaw = Zone::Named(chrono_tz::Tz::Europe__Warsaw);
        // 23:30 UTC on the 19th is 00:30 on the 20th in Warsaw: today there.
        let records = [rec("late", "2026-11-19T23:30:00Z", "m", 1, None)];
        let (utc, _) = filled_in(Zone::Utc, &records);
        let (local, ledger) = filled_in(warsaw, &records);
        assert_eq!(used(&utc, "sessions_today"), MetricValue::Count(0));
        assert_eq!(used(&local, "sessions_today"), MetricValue::Count(1));
        assert_eq!(utc.daily_series["tokens"][0].date.to_string(), "2026-11-19");
        assert_eq!(
            local.daily_series["tokens"][0].date.to_string(),
            "2026-11-20"
        );
        assert_eq!(ledger.rows[0].date.to_string(), "2026-11-20");
        assert_eq!(ledger.zone, warsaw);
    }

    #[test]
    fn a_zero_cost_with_tokens_is_unpriced_not_free() {
        let s = filled(&[
            rec("a", "2026-11-19T10:00:00Z", "local-llm", 5, Some(0.0)),
            rec("a", "2026-11-19T10:00:00Z", "local-llm", 5, Some(0.0)),
            rec("a", "2026-11-19T10:00:00Z", "priced", 1, Some(0.5)),
        ]);
        assert_eq!(used(&s, "unpriced_requests"), MetricValue::Count(2));
        let local = &s.model_usage[0];
        assert_eq!(local.raw_model_id, "local-llm");
        assert!(local.unpriced);
        assert_eq!(local.unpriced_requests, 2);
        assert!(!s.model_usage[1].unpriced);
        let priced = filled(&[rec("a", "2026-11-19T10:00:00Z", "m", 1, Some(0.5))]);
        assert!(!priced.metrics.contains_key("unpriced_requests"));
    }

    #[test]
    fn a_record_without_a_cost_is_uncosted_and_a_zero_is_unpriced() {
        let s = filled(&[
            rec("a", "2026-11-19T10:00:00Z", "m", 5, None),
            rec("a", "2026-11-19T10:00:00Z", "m", 5, Some(0.0)),
            rec("a", "2026-11-19T10:00:00Z", "m", 5, Some(0.5)),
            rec("a", "2026-11-19T10:00:00Z", "n", 5, None),
        ]);
        assert_eq!(used(&s, "uncosted_requests"), MetricValue::Count(2));
        assert_eq!(used(&s, "unpriced_requests"), MetricValue::Count(1));
        assert_eq!(used(&s, "total_cost_usd"), MetricValue::Amount(0.5));
        let m = &s.model_usage[0];
        assert_eq!((m.uncosted_requests, m.unpriced_requests), (1, 1));
        assert_eq!(s.model_usage[1].uncosted_requests, 1);
        assert_eq!(s.usage_by_kind[0].uncosted_requests, 2);
        let costed = filled(&[rec("a", "2026-11-19T10:00:00Z", "m", 1, Some(0.5))]);
        assert!(!costed.metrics.contains_key("uncosted_requests"));
    }

    #[test]
    fn subkinds_are_summed_inside_their_kind() {
        let mut warm = rec("a", "2026-11-19T10:00:00Z", "m", 100, Some(0.25));
        warm.kind = kind::USAGE;
        warm.subkind = Some("cache_warm");
        let mut other = warm;
        other.subkind = Some("prefetch");
        let s = filled(&[
            warm,
            warm,
            other,
            rec("a", "2026-11-19T11:00:00Z", "m", 1, None),
        ]);
        let usage = s.usage_by_kind.iter().find(|k| k.kind == "usage").unwrap();
        assert_eq!((usage.requests, usage.total_tokens), (3, 303));
        let warm = &usage.subkinds["cache_warm"];
        assert_eq!(
            (warm.requests, warm.total_tokens, warm.cost_usd),
            (2, 202, Some(0.5))
        );
        assert_eq!(usage.subkinds["prefetch"].requests, 1);
        let assistant = s
            .usage_by_kind
            .iter()
            .find(|k| k.kind == "assistant")
            .unwrap();
        assert!(assistant.subkinds.is_empty());
    }

    #[test]
    fn the_answering_model_is_a_dimension_of_its_own_row() {
        let mut routed = rec("a", "2026-11-19T10:00:00Z", "openrouter/auto", 5, None);
        routed.response_model = Some("anthropic/claude-sonnet-4.5");
        let plain = rec("a", "2026-11-19T10:00:00Z", "openrouter/auto", 1, None);
        let s = filled(&[routed, plain]);
        assert_eq!(s.model_usage.len(), 2);
        let row = &s.model_usage[0];
        assert_eq!(row.raw_model_id, "openrouter/auto");
        assert_eq!(
            row.dimensions.get("response_model").map(String::as_str),
            Some("anthropic/claude-sonnet-4.5")
        );
        assert!(!s.model_usage[1].dimensions.contains_key("response_model"));
    }

    #[test]
    fn each_kind_of_record_is_summed_on_its_own() {
        let mut summary = rec("a", "2026-11-19T10:00:00Z", "m", 100, Some(0.25));
        summary.kind = kind::COMPACTION;
        let s = filled(&[
            rec("a", "2026-11-19T09:00:00Z", "m", 10, Some(1.0)),
            summary,
            rec("a", "2026-11-19T11:00:00Z", "m", 20, None),
        ]);
        let kinds: Vec<_> = s
            .usage_by_kind
            .iter()
            .map(|k| (k.kind.as_str(), k.requests, k.total_tokens, k.cost_usd))
            .collect();
        assert_eq!(
            kinds,
            [
                ("assistant", 2, 32, Some(1.0)),
                ("compaction", 1, 101, Some(0.25))
            ]
        );
        // One model record holds both kinds.
        assert_eq!(s.model_usage.len(), 1);
        assert_eq!(s.model_usage[0].requests, 3);
    }

    #[test]
    fn the_ledger_sums_per_session_day_model_and_kind_and_keeps_first_and_last() {
        let (_, ledger) = filled_in(
            Zone::Utc,
            &[
                rec("a", "2026-11-19T10:00:00Z", "m", 10, Some(0.5)),
                rec("a", "2026-11-19T08:00:00Z", "m", 20, Some(0.25)),
                rec("a", "2026-11-20T01:00:00Z", "m", 1, None),
                rec("b", "2026-11-19T12:00:00Z", "n", 2, None),
            ],
        );
        assert_eq!(ledger.sessions.len(), 2);
        assert_eq!(ledger.sessions[1].id, "b");
        assert_eq!(ledger.rows.len(), 3);
        let first = &ledger.rows[0];
        assert_eq!(
            (first.session, first.date.to_string()),
            (0, "2026-11-19".to_owned())
        );
        assert_eq!(first.usage.requests, 2);
        assert_eq!(first.usage.tokens.input, 30);
        assert_eq!(first.usage.cost_usd, Some(0.75));
        assert_eq!(first.first, at("2026-11-19T08:00:00Z"));
        assert_eq!(first.last, at("2026-11-19T10:00:00Z"));
        assert_eq!(ledger.models[ledger.rows[2].model as usize].model, "n");
    }

    #[test]
    fn summary_names_sessions_tokens_and_cost() {
        let t = Totals {
            sessions: 12,
            tokens: Tokens {
                input: 3_000_000,
                output: 400_000,
                cache_read: 0,
                cache_write: 0,
            },
            cost_usd: Some(41.2),
            saturated: 0,
        };
        assert_eq!(t.summary(), "12 sessions, 3.40M tokens, $41.20");
        let t = Totals {
            sessions: 1,
            tokens: Tokens {
                input: 950,
                ..Tokens::default()
            },
            cost_usd: None,
            saturated: 0,
        };
        assert_eq!(t.summary(), "1 session, 950 tokens");
    }
}

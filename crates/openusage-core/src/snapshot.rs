//! The snapshot: what one account's usage looks like at one instant, in the
//! shape of the JSON contract (`openusage snapshot --json`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::keys::{DiagnosticKey, DimensionKey, MetricKey, SeriesKey, dimension};
use crate::pricing::PriceEntry;
use crate::usage::{ModelKey, Tokens, Usage};
use crate::zone::Zone;

/// Version of the JSON document printed by `openusage snapshot --json`.
pub const SCHEMA_VERSION: u32 = 1;

/// One account's usage as collected at `timestamp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub provider_id: String,
    pub account_id: String,
    pub timestamp: DateTime<Utc>,
    pub status: Status,
    /// One line for people: a summary, or why there is nothing to show.
    pub message: String,
    /// Named figures such as `total_sessions`, keyed by metric name.
    pub metrics: BTreeMap<String, Metric>,
    /// Usage per (model, upstream provider, workspace), largest first.
    pub model_usage: Vec<ModelUsage>,
    /// Usage per kind of record (`assistant`, `compaction`, ...), by name:
    /// what summaries and side calls cost beside the conversation itself.
    #[serde(default)]
    pub usage_by_kind: Vec<KindUsage>,
    /// Named daily series (`sessions`, `tokens`), each ascending by date.
    pub daily_series: BTreeMap<String, Vec<DailyPoint>>,
    /// The time zone whose calendar days the daily series and "today" are
    /// (`UTC`, or an IANA name).
    #[serde(default = "utc")]
    pub timezone: String,
    /// Counters about the reading itself (files read, lines dropped, ...).
    pub diagnostics: BTreeMap<String, serde_json::Value>,
    /// The latest sessions (at most [`RECENT_SESSIONS`]), newest last
    /// activity first, ties by session id; absent from the JSON when none
    /// counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_sessions: Vec<RecentSession>,
}

/// How many sessions [`Snapshot::recent_sessions`] keeps.
pub const RECENT_SESSIONS: usize = 10;

/// One of a snapshot's latest sessions: what names it, when it was last
/// active and what it used in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentSession {
    pub session_id: String,
    /// The agent that wrote it, for a provider that stands for several
    /// (Pi's `pi` or `omp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The name the user or the agent gave it (never text of a message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_label: Option<String>,
    /// Its latest counted record.
    pub last_activity: DateTime<Utc>,
    pub total_tokens: u64,
}

impl Snapshot {
    /// An empty snapshot with the given status and message.
    pub fn new(
        provider_id: &str,
        account_id: &str,
        timestamp: DateTime<Utc>,
        status: Status,
        message: impl Into<String>,
    ) -> Self {
        Snapshot {
            provider_id: provider_id.to_owned(),
            account_id: account_id.to_owned(),
            timestamp,
            status,
            message: message.into(),
            metrics: BTreeMap::new(),
            model_usage: Vec::new(),
            usage_by_kind: Vec::new(),
            daily_series: BTreeMap::new(),
            timezone: utc(),
            diagnostics: BTreeMap::new(),
            recent_sessions: Vec::new(),
        }
    }

    /// The day the snapshot was taken, in its zone.
    pub fn today(&self) -> NaiveDate {
        self.zone().date(self.timestamp)
    }

    /// The metric named `key`, when the snapshot has it.
    pub fn metric(&self, key: MetricKey) -> Option<&Metric> {
        self.metrics.get(key.as_str())
    }

    /// The metric named `key` as a count, when the snapshot has it.
    pub fn count(&self, key: MetricKey) -> Option<u64> {
        match self.metric(key)?.used {
            MetricValue::Count(n) => Some(n),
            MetricValue::Amount(_) => None,
        }
    }

    /// Sets the metric named `key`.
    pub fn set_metric(&mut self, key: MetricKey, metric: Metric) {
        self.metrics.insert(key.as_str().to_owned(), metric);
    }

    /// The diagnostic named `key`, when the snapshot has it.
    pub fn diagnostic(&self, key: DiagnosticKey) -> Option<&serde_json::Value> {
        self.diagnostics.get(key.as_str())
    }

    /// Sets the diagnostic named `key`.
    pub fn set_diagnostic(&mut self, key: DiagnosticKey, value: impl Into<serde_json::Value>) {
        self.diagnostics
            .insert(key.as_str().to_owned(), value.into());
    }

    /// The daily series named `key` (empty when the snapshot has none).
    pub fn series(&self, key: SeriesKey) -> &[DailyPoint] {
        self.daily_series
            .get(key.as_str())
            .map_or(&[], Vec::as_slice)
    }

    /// The zone of [`Snapshot::timezone`] (UTC when it names none we know).
    pub fn zone(&self) -> Zone {
        Zone::from_name(&self.timezone).unwrap_or_default()
    }
}

fn utc() -> String {
    "UTC".to_owned()
}

/// Whether the numbers of a snapshot can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The data was read; the numbers are complete.
    Ok,
    /// Nothing to read (the agent's data was not found).
    Unknown,
    /// Something that should be readable was not; the numbers may be partial.
    Error,
}

/// A named figure with its unit and the time window it covers.
///
/// Besides a plain count or amount, a metric may be an *estimate* (a cost
/// computed from list prices rather than recorded by the agent) or a
/// *limit* reading (how much of a quota is used, of what, until when): the
/// optional fields are absent from the JSON when unused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub used: MetricValue,
    pub unit: String,
    /// `all-time`, `today`, `7d`, `5h`, ...
    pub window: String,
    /// The figure was estimated, not recorded by the agent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub estimated: bool,
    /// A limit the figure counts towards, in the same unit (absent when
    /// `unit` is `percent`: the limit is then 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// When the limit's window starts again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<DateTime<Utc>>,
    /// When the agent recorded the reading (a limit reading ages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<DateTime<Utc>>,
    /// `resets_at` lies before the snapshot's `now`: the reading is the
    /// last one before the window started again, not the current use.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reset_passed: bool,
    /// The plan the limit belongs to, as the agent names it (`plus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_type: Option<String>,
    /// A balance the agent says is not drawn down (unlimited credits).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unlimited: bool,
}

impl Metric {
    fn new(used: MetricValue, unit: &str, window: &str) -> Self {
        Metric {
            used,
            unit: unit.to_owned(),
            window: window.to_owned(),
            estimated: false,
            limit: None,
            resets_at: None,
            observed_at: None,
            reset_passed: false,
            plan_type: None,
            unlimited: false,
        }
    }

    pub fn count(used: u64, unit: &str, window: &str) -> Self {
        Metric::new(MetricValue::Count(used), unit, window)
    }

    pub fn amount(used: f64, unit: &str, window: &str) -> Self {
        Metric::new(MetricValue::Amount(used), unit, window)
    }

    /// An amount computed rather than recorded (a cost at list prices).
    pub fn estimate(used: f64, unit: &str, window: &str) -> Self {
        Metric {
            estimated: true,
            ..Metric::amount(used, unit, window)
        }
    }

    /// A limit reading: `percent` of a quota used in `window`, as observed
    /// at `observed_at`, starting again at `resets_at`.
    pub fn percent_of_limit(
        percent: f64,
        window: &str,
        resets_at: Option<DateTime<Utc>>,
        observed_at: Option<DateTime<Utc>>,
    ) -> Self {
        Metric {
            resets_at,
            observed_at,
            ..Metric::amount(percent, "percent", window)
        }
    }
}

/// Counts serialise as JSON integers, amounts (money) as floats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MetricValue {
    Count(u64),
    Amount(f64),
}

impl MetricValue {
    pub fn as_f64(self) -> f64 {
        match self {
            MetricValue::Count(n) => n as f64,
            MetricValue::Amount(x) => x,
        }
    }
}

/// Usage of one model, split by the dimensions it was used under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelUsage {
    /// The model id as the agent recorded it (trimmed).
    pub raw_model_id: String,
    /// `upstream_provider` and `workspace_label`, each present only when known.
    pub dimensions: BTreeMap<String, String>,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub total_tokens: u64,
    /// Usage records (turns) counted.
    pub requests: u64,
    /// Sum of the cost the agent recorded; absent when none was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// Present (`true`) when some of the requests are unpriced: their
    /// recorded cost is 0 although they used tokens (no price was known),
    /// so `cost_usd` covers only the others and is not the whole cost.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unpriced: bool,
    /// How many requests are unpriced; present when any is.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unpriced_requests: u64,
    /// How many requests recorded no cost at all; present when any did.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uncosted_requests: u64,
    /// The list-price estimate of the unpriced and uncosted requests;
    /// present when the model has a price and any request needed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_cost_usd: Option<f64>,
    /// Unpriced or uncosted requests whose model has no price either.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown_cost_requests: u64,
    /// Every request at list price (the `calculate` cost mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculated_cost_usd: Option<f64>,
    /// Which price the model has: the price table's key, `user` or
    /// `local`; absent when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_entry: Option<String>,
}

impl ModelUsage {
    /// The value of dimension `key`, when the record has it.
    pub fn dimension(&self, key: DimensionKey) -> Option<&str> {
        self.dimensions.get(key.as_str()).map(String::as_str)
    }

    /// The row's sums, as the views add them up.
    pub fn usage(&self) -> Usage {
        Usage {
            tokens: Tokens {
                input: self.input_tokens,
                output: self.output_tokens,
                cache_read: self.cache_read_tokens,
                cache_write: self.cache_write_tokens,
            },
            requests: self.requests,
            unpriced: self.unpriced_requests,
            uncosted: self.uncosted_requests,
            cost_usd: self.cost_usd,
            estimated_cost_usd: self.estimated_cost_usd,
            unknown_cost: self.unknown_cost_requests,
            calculated_cost_usd: self.calculated_cost_usd,
            unlisted: if self.price_entry.is_none() {
                self.requests
            } else {
                0
            },
            local: if self.price_entry.as_deref() == Some("local") {
                self.requests
            } else {
                0
            },
        }
    }

    pub(crate) fn new(key: &ModelKey, usage: &Usage, price: Option<&PriceEntry>) -> Self {
        let mut dimensions = BTreeMap::new();
        if let Some(p) = &key.upstream_provider {
            dimensions.insert(dimension::UPSTREAM_PROVIDER.to_string(), p.clone());
        }
        if let Some(w) = &key.workspace {
            dimensions.insert(dimension::WORKSPACE_LABEL.to_string(), w.clone());
        }
        if let Some(r) = &key.response_model {
            dimensions.insert(dimension::RESPONSE_MODEL.to_string(), r.clone());
        }
        if let Some(a) = &key.agent {
            dimensions.insert(dimension::AGENT.to_string(), a.clone());
        }
        let t = &usage.tokens;
        ModelUsage {
            raw_model_id: key.model.clone(),
            dimensions,
            input_tokens: t.input,
            output_tokens: t.output,
            cache_read_tokens: t.cache_read,
            cache_write_tokens: t.cache_write,
            total_tokens: t.total(),
            requests: usage.requests,
            cost_usd: usage.cost_usd,
            unpriced: usage.unpriced > 0,
            unpriced_requests: usage.unpriced,
            uncosted_requests: usage.uncosted,
            estimated_cost_usd: usage.estimated_cost_usd,
            unknown_cost_requests: usage.unknown_cost,
            calculated_cost_usd: usage.calculated_cost_usd,
            price_entry: price.map(|e| e.as_str().to_owned()),
        }
    }
}

/// Usage of one kind of record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindUsage {
    /// `assistant`, `tool_result`, `compaction`, `branch_summary`,
    /// `model_usage`, `usage`, `advisor`.
    pub kind: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub total_tokens: u64,
    pub requests: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unpriced_requests: u64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub uncosted_requests: u64,
    /// The list-price estimate of the unpriced and uncosted requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_cost_usd: Option<f64>,
    /// Unpriced or uncosted requests whose model has no price either.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown_cost_requests: u64,
    /// Every request at list price (the `calculate` cost mode only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculated_cost_usd: Option<f64>,
    /// The same sums per name the agent gave the operation (Pi's `usage`
    /// entries carry one: `cache_warm`, ...); present when any record had one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subkinds: BTreeMap<String, SubkindUsage>,
}

/// Usage of one subkind: what the agent called the operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubkindUsage {
    pub total_tokens: u64,
    pub requests: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
}

impl KindUsage {
    pub(crate) fn new(kind: &str, usage: &Usage, subkinds: &BTreeMap<String, Usage>) -> Self {
        let t = &usage.tokens;
        let subkinds = subkinds
            .iter()
            .map(|(name, u)| {
                let sub = SubkindUsage {
                    total_tokens: u.tokens.total(),
                    requests: u.requests,
                    cost_usd: u.cost_usd,
                };
                (name.clone(), sub)
            })
            .collect();
        KindUsage {
            kind: kind.to_owned(),
            input_tokens: t.input,
            output_tokens: t.output,
            cache_read_tokens: t.cache_read,
            cache_write_tokens: t.cache_write,
            total_tokens: t.total(),
            requests: usage.requests,
            cost_usd: usage.cost_usd,
            unpriced_requests: usage.unpriced,
            uncosted_requests: usage.uncosted,
            estimated_cost_usd: usage.estimated_cost_usd,
            unknown_cost_requests: usage.unknown_cost,
            calculated_cost_usd: usage.calculated_cost_usd,
            subkinds,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// One day of a daily series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyPoint {
    pub date: NaiveDate,
    pub value: u64,
}

/// The document `openusage snapshot --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotReport {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    pub snapshots: Vec<Snapshot>,
}

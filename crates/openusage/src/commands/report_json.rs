//! The document `openusage report --json` prints, as types: what a script
//! reading it can count on is written down here, field by field.
//!
//! Fields that are `null` when unknown (`since`, `until`) are always there;
//! the others marked optional are left out when they say nothing: no cost
//! recorded, no unpriced or uncosted request, no workspace, no breakdown.

use chrono::{DateTime, NaiveDate, Utc};
use openusage_core::report::{PeriodRow, SessionRow, Sums};
use openusage_core::usage::Usage;
use serde::Serialize;

/// The whole document: what the report is, its rows and their total.
#[derive(Debug, Serialize)]
pub struct Document<'a, R> {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    /// `daily`, `weekly`, `monthly` or `session`.
    pub report: &'static str,
    /// The IANA name of the zone days start in, or `UTC`.
    pub timezone: &'static str,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// `monday` or `sunday`; weekly reports only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<&'static str>,
    pub rows: Vec<R>,
    pub total: Total<'a>,
}

/// A row of a daily, weekly or monthly report.
#[derive(Debug, Serialize)]
pub struct Period<'a> {
    /// `2026-11-20`, the Monday (or Sunday) of a week, or `2026-11`.
    pub period: &'a str,
    /// The first day of the period.
    pub start: NaiveDate,
    pub sessions: u64,
    #[serde(flatten)]
    pub usage: UsageFields,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model<'a>>,
}

impl<'a> From<&'a PeriodRow> for Period<'a> {
    fn from(row: &'a PeriodRow) -> Self {
        Period {
            period: &row.label,
            start: row.start,
            sessions: row.sums.sessions,
            usage: UsageFields::from(&row.sums.usage),
            models: models(&row.sums),
        }
    }
}

/// A row of the session report (a session is one: it has no `sessions`).
#[derive(Debug, Serialize)]
pub struct Session<'a> {
    pub provider_id: &'a str,
    pub account_id: &'a str,
    pub session_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_label: Option<&'a str>,
    pub first_activity: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    #[serde(flatten)]
    pub usage: UsageFields,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model<'a>>,
}

impl<'a> From<&'a SessionRow> for Session<'a> {
    fn from(row: &'a SessionRow) -> Self {
        Session {
            provider_id: &row.provider_id,
            account_id: &row.account_id,
            session_id: &row.session_id,
            workspace_label: row.workspace.as_deref(),
            first_activity: row.first,
            last_activity: row.last,
            usage: UsageFields::from(&row.sums.usage),
            models: models(&row.sums),
        }
    }
}

/// The total of a report: the sessions active in its range, and their usage.
#[derive(Debug, Serialize)]
pub struct Total<'a> {
    pub sessions: u64,
    #[serde(flatten)]
    pub usage: UsageFields,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model<'a>>,
}

impl<'a> From<&'a Sums> for Total<'a> {
    fn from(sums: &'a Sums) -> Self {
        Total {
            sessions: sums.sessions,
            usage: UsageFields::from(&sums.usage),
            models: models(sums),
        }
    }
}

/// One model's share of a row (with `--breakdown`).
#[derive(Debug, Serialize)]
pub struct Model<'a> {
    pub model: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_provider: Option<&'a str>,
    #[serde(flatten)]
    pub usage: UsageFields,
}

fn models(sums: &Sums) -> Vec<Model<'_>> {
    sums.models
        .iter()
        .map(|(name, usage)| Model {
            model: &name.model,
            upstream_provider: name.upstream_provider.as_deref(),
            usage: UsageFields::from(usage),
        })
        .collect()
}

/// The requests, tokens and cost every row, model and total has.
#[derive(Debug, Serialize)]
pub struct UsageFields {
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub total_tokens: u64,
    /// Left out when no request recorded a cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// Requests recorded at $0 with tokens used; left out when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub unpriced_requests: u64,
    /// Requests that recorded no cost; left out when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub uncosted_requests: u64,
    /// List-price estimates of the unpriced and uncosted requests; left
    /// out when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_cost_usd: Option<f64>,
    /// Unpriced or uncosted requests with no list price; left out when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub unknown_cost_requests: u64,
    /// Every request at list price (the `calculate` cost mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculated_cost_usd: Option<f64>,
}

impl From<&Usage> for UsageFields {
    fn from(usage: &Usage) -> Self {
        let t = &usage.tokens;
        UsageFields {
            requests: usage.requests,
            input_tokens: t.input,
            output_tokens: t.output,
            cache_read_tokens: t.cache_read,
            cache_write_tokens: t.cache_write,
            total_tokens: t.total(),
            cost_usd: usage.cost_usd,
            unpriced_requests: usage.unpriced,
            uncosted_requests: usage.uncosted,
            estimated_cost_usd: usage.estimated_cost_usd,
            unknown_cost_requests: usage.unknown_cost,
            calculated_cost_usd: usage.calculated_cost_usd,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use openusage_core::report::ModelName;
    use openusage_core::usage::Tokens;
    use serde_json::json;

    use super::*;

    fn usage(cost_usd: Option<f64>, unpriced: u64, uncosted: u64) -> Usage {
        Usage {
            tokens: Tokens {
                input: 10,
                output: 5,
                cache_read: 2,
                cache_write: 1,
            },
            requests: 3,
            unpriced,
            uncosted,
            cost_usd,
            ..Usage::default()
        }
    }

    #[test]
    fn a_total_without_cost_or_breakdown_leaves_those_fields_out() {
        let sums = Sums {
            sessions: 2,
            usage: usage(None, 0, 0),
            models: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(Total::from(&sums)).unwrap(),
            json!({
                "sessions": 2, "requests": 3, "input_tokens": 10, "output_tokens": 5,
                "cache_read_tokens": 2, "cache_write_tokens": 1, "total_tokens": 18,
            })
        );
    }

    #[test]
    fn a_session_row_has_no_sessions_and_its_models_have_their_own_usage() {
        let at = DateTime::parse_from_rfc3339("2026-11-20T08:00:05Z")
            .unwrap()
            .to_utc();
        let row = SessionRow {
            provider_id: "pi".to_owned(),
            account_id: "work".to_owned(),
            session_id: "s1".to_owned(),
            workspace: Some("webapp".to_owned()),
            first: at,
            last: at,
            sums: Sums {
                sessions: 1,
                usage: usage(Some(0.5), 1, 2),
                models: vec![(
                    ModelName {
                        model: "m".to_owned(),
                        upstream_provider: None,
                    },
                    usage(Some(0.0), 1, 0),
                )],
            },
        };
        let value = serde_json::to_value(Session::from(&row)).unwrap();
        assert_eq!(value.get("sessions"), None);
        assert_eq!(value["workspace_label"], "webapp");
        assert_eq!(value["first_activity"], "2026-11-20T08:00:05Z");
        assert_eq!(value["cost_usd"], 0.5);
        assert_eq!(value["unpriced_requests"], 1);
        assert_eq!(value["uncosted_requests"], 2);
        assert_eq!(
            value["models"],
            json!([{
                "model": "m", "requests": 3, "input_tokens": 10, "output_tokens": 5,
                "cache_read_tokens": 2, "cache_write_tokens": 1, "total_tokens": 18,
                "cost_usd": 0.0, "unpriced_requests": 1,
            }])
        );
    }
}

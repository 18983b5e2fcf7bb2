//! The document `openusage report --json` prints, as types: what a script
//! reading it can count on is written down here, field by field.
//!
//! Fields that are `null` when unknown (`since`, `until`) are always there;
//! the others marked optional are left out when they say nothing: no cost
//! recorded, no unpriced or uncosted request, no title, workspace or
//! working directory, no breakdown.

use chrono::{DateTime, NaiveDate, Utc};
use openusage_core::report::{ModelName, PeriodRow, ProjectRow, SessionRow, Sums};
use openusage_core::usage::Usage;
use serde::Serialize;

/// The whole document: what the report is, its rows and their total.
#[derive(Debug, Serialize)]
pub struct Document<'a, R> {
    pub schema_version: u32,
    pub generated_at: DateTime<Utc>,
    /// `daily`, `weekly`, `monthly`, `session` or `project`.
    pub report: &'static str,
    /// The IANA name of the zone days start in, or `UTC`.
    pub timezone: &'static str,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// `monday` or `sunday`; weekly reports only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<&'static str>,
    /// `--agent` and `--project` as given; left out when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<&'a str>,
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
    /// The agent that wrote it (Pi's `pi` or `omp`), else the provider id.
    pub agent: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_label: Option<&'a str>,
    /// The working directory as recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<&'a str>,
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
            agent: &row.agent,
            title: row.title.as_deref(),
            workspace_label: row.workspace.as_deref(),
            cwd: row.cwd.as_deref(),
            first_activity: row.first,
            last_activity: row.last,
            usage: UsageFields::from(&row.sums.usage),
            models: models(&row.sums),
        }
    }
}

/// A row of the project report: a working directory as recorded, or, for
/// sessions that recorded none, a workspace label, or neither.
#[derive(Debug, Serialize)]
pub struct Project<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_label: Option<&'a str>,
    pub sessions: u64,
    #[serde(flatten)]
    pub usage: UsageFields,
    pub first_activity: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model<'a>>,
}

impl<'a> From<&'a ProjectRow> for Project<'a> {
    fn from(row: &'a ProjectRow) -> Self {
        Project {
            cwd: row.cwd.as_deref(),
            workspace_label: row.workspace.as_deref(),
            sessions: row.sums.sessions,
            usage: UsageFields::from(&row.sums.usage),
            first_activity: row.first,
            last_activity: row.last,
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

impl<'a> From<&'a (ModelName, Usage)> for Model<'a> {
    fn from((name, usage): &'a (ModelName, Usage)) -> Self {
        Model {
            model: &name.model,
            upstream_provider: name.upstream_provider.as_deref(),
            usage: UsageFields::from(usage),
        }
    }
}

fn models(sums: &Sums) -> Vec<Model<'_>> {
    sums.models.iter().map(Model::from).collect()
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
            agent: "omp".to_owned(),
            title: None,
            workspace: Some("webapp".to_owned()),
            cwd: Some("/home/a/webapp".to_owned()),
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
        assert_eq!(value["agent"], "omp");
        assert_eq!(value["cwd"], "/home/a/webapp");
        assert_eq!(value.get("title"), None);
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

#[cfg(test)]
mod project_tests {
    use chrono::DateTime;
    use openusage_core::report::{ProjectRow, Sums};
    use openusage_core::usage::Usage;

    use super::Project;

    #[test]
    fn a_project_row_names_its_directory_then_sums_then_activity() {
        let at = |s| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let row = ProjectRow {
            cwd: Some("/home/a/api".to_owned()),
            workspace: Some("api".to_owned()),
            first: at("2026-11-18T10:00:00Z"),
            last: at("2026-11-19T11:00:00Z"),
            sums: Sums {
                sessions: 2,
                usage: Usage::default(),
                models: Vec::new(),
            },
        };
        let text = serde_json::to_string(&Project::from(&row)).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"cwd":"/home/a/api","workspace_label":"api","sessions":2,"requests":0,"#,
                r#""input_tokens":0,"output_tokens":0,"cache_read_tokens":0,"#,
                r#""cache_write_tokens":0,"total_tokens":0,"#,
                r#""first_activity":"2026-11-18T10:00:00Z","last_activity":"2026-11-19T11:00:00Z"}"#
            )
        );
        let none = ProjectRow {
            cwd: None,
            workspace: None,
            ..row
        };
        let value = serde_json::to_value(Project::from(&none)).unwrap();
        assert_eq!(
            (value.get("cwd"), value.get("workspace_label")),
            (None, None)
        );
    }
}

//! Usage reports (per day, week, month, session or project) made from the
//! ledgers of the same collection the snapshots come from, so a report's
//! totals are the snapshots' totals for the same range.

mod filter;
mod project;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};

use crate::ledger::{Ledger, LedgerRow};
use crate::provider::Collected;
use crate::usage::Usage;
use rustc_hash::{FxHashMap, FxHashSet};

pub use filter::{Filter, Project, agent_of};
pub use project::{ProjectReport, ProjectRow, by_project};

/// What the rows of a report are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    /// Weeks starting on the given day (Monday or Sunday).
    Week(Weekday),
    Month,
}

impl Period {
    /// The first day of the period `date` is in.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => date,
            Period::Week(first) => {
                let back =
                    (7 + date.weekday().num_days_from_monday() - first.num_days_from_monday()) % 7;
                date.checked_sub_days(Days::new(u64::from(back)))
                    .unwrap_or(date)
            }
            Period::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// How the period starting on `start` is named: `2026-11-20` for a day
    /// or week (its first day), `2026-11` for a month.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Day | Period::Week(_) => start.to_string(),
            Period::Month => start.format("%Y-%m").to_string(),
        }
    }
}

/// Inclusive bounds on the day of each record, in the ledgers' zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Range {
    fn holds(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| date >= s) && self.until.is_none_or(|u| date <= u)
    }
}

/// One account's ledger, with what names it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub provider_id: &'a str,
    pub account_id: &'a str,
    pub ledger: &'a Ledger,
}

impl<'a> From<&'a Collected> for Source<'a> {
    /// The ledger of one collection, named by its snapshot's account.
    fn from(c: &'a Collected) -> Self {
        Source {
            provider_id: &c.snapshot.provider_id,
            account_id: &c.snapshot.account_id,
            ledger: &c.ledger,
        }
    }
}

/// A model as reports split by it: its id and upstream provider.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelName {
    pub model: String,
    pub upstream_provider: Option<String>,
}

/// Sums of one row of a report (or of the whole report).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    /// Distinct sessions with a counted record in the row.
    pub sessions: u64,
    pub usage: Usage,
    /// Per model, largest first; filled only when a breakdown was asked for.
    pub models: Vec<(ModelName, Usage)>,
}

/// One period of a daily, weekly or monthly report.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow {
    pub label: String,
    pub start: NaiveDate,
    pub sums: Sums,
}

/// A daily, weekly or monthly report: periods with any usage, oldest first,
/// and the total over the range.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    pub rows: Vec<PeriodRow>,
    pub total: Sums,
}

/// One session of a session report.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub provider_id: String,
    pub account_id: String,
    pub session_id: String,
    /// The agent that wrote it, else the provider's id (see [`agent_of`]).
    pub agent: String,
    pub title: Option<String>,
    pub workspace: Option<String>,
    /// The working directory as recorded.
    pub cwd: Option<String>,
    /// The first and last counted record in the range.
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub sums: Sums,
}

/// The sessions with usage in the range, newest (last activity) first.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionReport {
    pub rows: Vec<SessionRow>,
    pub total: Sums,
}

/// A session across all sources: (source, session number in its ledger).
type SessionId = (usize, u32);

/// Rows being summed, one group at a time.
#[derive(Debug, Default)]
struct Group {
    sessions: FxHashSet<SessionId>,
    usage: Usage,
    models: FxHashMap<ModelName, Usage>,
}

impl Group {
    fn add(&mut self, session: SessionId, model: &ModelName, row: &LedgerRow, breakdown: bool) {
        self.sessions.insert(session);
        self.usage.add(&row.usage);
        if breakdown {
            match self.models.get_mut(model) {
                Some(usage) => {
                    usage.add(&row.usage);
                }
                None => {
                    self.models.insert(model.clone(), row.usage);
                }
            }
        }
    }

    fn sums(self) -> Sums {
        let mut models: Vec<(ModelName, Usage)> = self.models.into_iter().collect();
        models.sort_by(|(na, a), (nb, b)| {
            b.tokens
                .total()
                .cmp(&a.tokens.total())
                .then_with(|| na.cmp(nb))
        });
        Sums {
            sessions: self.sessions.len() as u64,
            usage: self.usage,
            models,
        }
    }
}

/// Every ledger row in `range` of a session `filter` keeps, with its
/// session and model name, in the ledgers' order (so float sums come out
/// the same every run).
fn rows_in<'a>(
    sources: &'a [Source<'a>],
    range: Range,
    filter: &Filter,
) -> impl Iterator<Item = (SessionId, ModelName, &'a LedgerRow)> + 'a {
    // Each session is asked once, not once per row.
    let kept: Vec<Vec<bool>> = sources
        .iter()
        .map(|s| {
            let sessions = s.ledger.sessions.iter();
            sessions
                .map(|info| filter.keeps(s.provider_id, info))
                .collect()
        })
        .collect();
    let sources = kept.into_iter().zip(sources).enumerate();
    sources.flat_map(move |(i, (kept, source))| {
        let ledger = source.ledger;
        ledger
            .rows
            .iter()
            .filter(move |row| {
                range.holds(row.date) && kept.get(row.session as usize).copied().unwrap_or(false)
            })
            .map(move |row| {
                let key = &ledger.models[row.model as usize];
                let name = ModelName {
                    model: key.model.clone(),
                    upstream_provider: key.upstream_provider.clone(),
                };
                ((i, row.session), name, row)
            })
    })
}

/// The report by day, week or month.
pub fn by_period(
    sources: &[Source<'_>],
    period: Period,
    range: Range,
    filter: &Filter,
    breakdown: bool,
) -> PeriodReport {
    let mut groups: BTreeMap<NaiveDate, Group> = BTreeMap::new();
    let mut total = Group::default();
    for (session, model, row) in rows_in(sources, range, filter) {
        let start = period.start(row.date);
        groups
            .entry(start)
            .or_default()
            .add(session, &model, row, breakdown);
        total.add(session, &model, row, breakdown);
    }
    PeriodReport {
        rows: groups
            .into_iter()
            .map(|(start, group)| PeriodRow {
                label: period.label(start),
                start,
                sums: group.sums(),
            })
            .collect(),
        total: total.sums(),
    }
}

/// The report by session.
pub fn by_session(
    sources: &[Source<'_>],
    range: Range,
    filter: &Filter,
    breakdown: bool,
) -> SessionReport {
    let mut groups: FxHashMap<SessionId, (Group, DateTime<Utc>, DateTime<Utc>)> =
        FxHashMap::default();
    let mut total = Group::default();
    for (session, model, row) in rows_in(sources, range, filter) {
        let (group, first, last) = groups
            .entry(session)
            .or_insert_with(|| (Group::default(), row.first, row.last));
        *first = (*first).min(row.first);
        *last = (*last).max(row.last);
        group.add(session, &model, row, breakdown);
        total.add(session, &model, row, breakdown);
    }
    let mut rows: Vec<SessionRow> = groups
        .into_iter()
        .map(|((source, session), (group, first, last))| {
            let src = &sources[source];
            let info = &src.ledger.sessions[session as usize];
            SessionRow {
                provider_id: src.provider_id.to_owned(),
                account_id: src.account_id.to_owned(),
                session_id: info.id.clone(),
                agent: agent_of(src.provider_id, info).to_owned(),
                title: info.title.clone(),
                workspace: info.workspace.clone(),
                cwd: info.cwd.clone(),
                first,
                last,
                sums: group.sums(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.last
            .cmp(&a.last)
            .then_with(|| a.provider_id.cmp(&b.provider_id))
            .then_with(|| a.account_id.cmp(&b.account_id))
            .then_with(|| a.session_id.cmp(&b.session_id))
    });
    SessionReport {
        rows,
        total: total.sums(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Aggregator;
    use crate::snapshot::{Snapshot, Status};
    use crate::usage::{Record, Tokens, kind};
    use crate::zone::Zone;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ledger(records: &[(&str, &str, &str, u64, Option<f64>)]) -> Ledger {
        let now = at("2026-11-20T12:00:00Z");
        let mut agg = Aggregator::new(now, Zone::Utc);
        for &(session, when, model, input, cost) in records {
            agg.add(&Record {
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
                    ..Tokens::default()
                },
                cache_write_1h: 0,
                cost_usd: cost,
                origin: Default::default(),
            });
        }
        agg.fill(&mut Snapshot::new("p", "a", now, Status::Ok, ""))
    }

    fn source(ledger: &Ledger) -> Source<'_> {
        Source {
            provider_id: "pi",
            account_id: "pi",
            ledger,
        }
    }

    #[test]
    fn weeks_start_on_the_chosen_day_and_months_on_the_first() {
        // 2026-11-22 is a Sunday.
        let sunday = date("2026-11-22");
        assert_eq!(Period::Week(Weekday::Mon).start(sunday), date("2026-11-16"));
        assert_eq!(Period::Week(Weekday::Sun).start(sunday), sunday);
        assert_eq!(
            Period::Week(Weekday::Sun).start(date("2026-11-21")),
            date("2026-11-15")
        );
        assert_eq!(Period::Month.start(sunday), date("2026-11-01"));
        assert_eq!(Period::Month.label(date("2026-11-01")), "2026-11");
    }

    #[test]
    fn periods_sum_their_days_and_count_each_session_once() {
        let l = ledger(&[
            ("a", "2026-11-16T10:00:00Z", "m", 1, Some(0.5)),
            ("a", "2026-11-17T10:00:00Z", "m", 2, Some(0.25)),
            ("b", "2026-11-22T10:00:00Z", "n", 4, None),
            ("b", "2026-11-23T10:00:00Z", "n", 8, None),
        ]);
        let report = by_period(
            &[source(&l)],
            Period::Week(Weekday::Mon),
            Range::default(),
            &Filter::default(),
            true,
        );
        let rows: Vec<_> = report
            .rows
            .iter()
            .map(|r| (r.label.as_str(), r.sums.sessions, r.sums.usage.tokens.input))
            .collect();
        assert_eq!(rows, [("2026-11-16", 2, 7), ("2026-11-23", 1, 8)]);
        assert_eq!(report.total.sessions, 2);
        assert_eq!(report.total.usage.tokens.input, 15);
        assert_eq!(report.total.usage.cost_usd, Some(0.75));
        let models: Vec<_> = report.rows[0]
            .sums
            .models
            .iter()
            .map(|(n, u)| (n.model.as_str(), u.tokens.input))
            .collect();
        assert_eq!(models, [("n", 4), ("m", 3)]);
    }

    #[test]
    fn the_range_is_inclusive_on_both_ends() {
        let l = ledger(&[
            ("a", "2026-11-15T23:59:59Z", "m", 1, None),
            ("a", "2026-11-16T00:00:00Z", "m", 2, None),
            ("a", "2026-11-18T23:59:59Z", "m", 4, None),
            ("a", "2026-11-19T00:00:00Z", "m", 8, None),
        ]);
        let range = Range {
            since: Some(date("2026-11-16")),
            until: Some(date("2026-11-18")),
        };
        let report = by_period(&[source(&l)], Period::Day, range, &Filter::default(), false);
        assert_eq!(report.total.usage.tokens.input, 6);
        assert!(report.rows.iter().all(|r| r.sums.models.is_empty()));
    }

    #[test]
    fn sessions_come_newest_first_with_first_and_last_activity_in_range() {
        let l = ledger(&[
            ("old", "2026-11-01T08:00:00Z", "m", 1, None),
            ("new", "2026-11-19T08:00:00Z", "m", 2, None),
            ("old", "2026-11-10T09:00:00Z", "m", 4, None),
            ("new", "2026-11-19T09:30:00Z", "m", 8, None),
        ]);
        let report = by_session(&[source(&l)], Range::default(), &Filter::default(), false);
        let rows: Vec<_> = report
            .rows
            .iter()
            .map(|r| {
                (
                    r.session_id.as_str(),
                    r.first,
                    r.last,
                    r.sums.usage.tokens.input,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "new",
                    at("2026-11-19T08:00:00Z"),
                    at("2026-11-19T09:30:00Z"),
                    10
                ),
                (
                    "old",
                    at("2026-11-01T08:00:00Z"),
                    at("2026-11-10T09:00:00Z"),
                    5
                ),
            ]
        );
        assert_eq!(report.total.sessions, 2);
        assert_eq!(report.total.usage.requests, 4);
    }
}

//! The counted records of one account, summed per (session, day, model,
//! kind): small enough to keep (a row per model a session used on a day,
//! not per record) and fine enough for every report. The snapshot and the
//! reports are both made from one counting, so their totals agree.

use chrono::{DateTime, NaiveDate, Utc};

use crate::snapshot::RecentSession;
use crate::usage::{ModelKey, Record, RecordCost, Usage};
use crate::zone::Zone;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// One account's counted usage, by session, day, model and kind.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The zone whose calendar days [`LedgerRow::date`] are.
    pub zone: Zone,
    /// Indexed by [`LedgerRow::session`].
    pub sessions: Vec<SessionInfo>,
    /// Indexed by [`LedgerRow::model`].
    pub models: Vec<ModelKey>,
    /// In the order their first record was counted.
    pub rows: Vec<LedgerRow>,
    /// The same records summed per (UTC hour, model, kind), in the order
    /// their first record was counted: what 5-hour blocks are made of
    /// (a block starts on a UTC hour, so its records are whole hours).
    pub hours: Vec<HourRow>,
}

impl Ledger {
    /// The `n` sessions last active latest, newest first (ties by session
    /// id, so the order never depends on the order files were read), each
    /// with its latest record and its tokens summed over every row.
    pub fn recent_sessions(&self, n: usize) -> Vec<RecentSession> {
        // (latest record, tokens) per session, by the session's number.
        let mut sums: Vec<Option<(DateTime<Utc>, u64)>> = vec![None; self.sessions.len()];
        for row in &self.rows {
            let Some(sum) = sums.get_mut(row.session as usize) else {
                continue;
            };
            let tokens = row.usage.tokens.total();
            *sum = Some(match *sum {
                Some((last, total)) => (last.max(row.last), total.saturating_add(tokens)),
                None => (row.last, tokens),
            });
        }
        let mut recent: Vec<(&SessionInfo, DateTime<Utc>, u64)> = self
            .sessions
            .iter()
            .zip(sums)
            .filter_map(|(info, sum)| sum.map(|(last, tokens)| (info, last, tokens)))
            .collect();
        recent.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
        recent
            .into_iter()
            .take(n)
            .map(|(info, last, tokens)| RecentSession {
                session_id: info.id.clone(),
                agent: info.agent.clone(),
                title: info.title.clone(),
                workspace_label: info.workspace.clone(),
                last_activity: last,
                total_tokens: tokens,
            })
            .collect()
    }
}

/// A session that counted, as its first counted record tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub workspace: Option<String>,
    /// The agent that wrote it, for a provider that stands for several.
    pub agent: Option<String>,
    pub title: Option<String>,
    /// The full working directory (the workspace is its last segment).
    pub cwd: Option<String>,
}

/// The records of one session on one day for one model and kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub session: u32,
    #[serde(with = "crate::saved::date")]
    pub date: NaiveDate,
    pub model: u32,
    #[serde(with = "crate::usage::kind::serde")]
    pub kind: crate::usage::kind::Kind,
    /// The earliest and latest record.
    #[serde(with = "crate::saved::instant")]
    pub first: DateTime<Utc>,
    #[serde(with = "crate::saved::instant")]
    pub last: DateTime<Utc>,
    pub usage: Usage,
}

/// The records of one UTC hour for one model and kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourRow {
    /// The hour's start, in UTC.
    #[serde(with = "crate::saved::instant")]
    pub hour: DateTime<Utc>,
    pub model: u32,
    #[serde(with = "crate::usage::kind::serde")]
    pub kind: crate::usage::kind::Kind,
    /// The earliest and latest record.
    #[serde(with = "crate::saved::instant")]
    pub first: DateTime<Utc>,
    #[serde(with = "crate::saved::instant")]
    pub last: DateTime<Utc>,
    pub usage: Usage,
}

/// `at` floored to its UTC hour (an hour is 3600 s in UTC: no leap
/// seconds in chrono's arithmetic).
pub fn utc_hour(at: DateTime<Utc>) -> DateTime<Utc> {
    let secs = at.timestamp().div_euclid(3600) * 3600;
    DateTime::from_timestamp(secs, 0).unwrap_or(at)
}

/// Builds a [`Ledger`] record by record, with the aggregator's session and
/// model numbers.
#[derive(Debug)]
pub(crate) struct LedgerBuilder {
    ledger: Ledger,
    rows: FxHashMap<(u32, NaiveDate, u32, &'static str), usize>,
    hours: FxHashMap<(i64, u32, &'static str), usize>,
}

impl LedgerBuilder {
    pub(crate) fn new(zone: Zone) -> Self {
        LedgerBuilder {
            ledger: Ledger {
                zone,
                ..Ledger::default()
            },
            rows: FxHashMap::default(),
            hours: FxHashMap::default(),
        }
    }

    /// Numbers the next model (models are numbered in the order first met).
    pub(crate) fn add_model(&mut self, key: ModelKey) {
        self.ledger.models.push(key);
    }

    /// Adds `record`, of the session numbered `session` (a new session is
    /// the next number) and the model numbered `model`, on `date`.
    pub(crate) fn add(
        &mut self,
        session: u32,
        date: NaiveDate,
        model: u32,
        record: &Record,
        cost: &RecordCost,
    ) {
        let ledger = &mut self.ledger;
        if session as usize == ledger.sessions.len() {
            let origin = &record.origin;
            ledger.sessions.push(SessionInfo {
                id: record.session.to_owned(),
                workspace: record.workspace.map(str::to_owned),
                agent: origin.agent.map(str::to_owned),
                title: origin.title.map(str::to_owned),
                cwd: origin.cwd.map(str::to_owned),
            });
        }
        let at = record.at;
        let index = *self
            .rows
            .entry((session, date, model, record.kind))
            .or_insert_with(|| {
                ledger.rows.push(LedgerRow {
                    session,
                    date,
                    model,
                    kind: record.kind,
                    first: at,
                    last: at,
                    usage: Usage::default(),
                });
                ledger.rows.len() - 1
            });
        let row = &mut ledger.rows[index];
        row.first = row.first.min(at);
        row.last = row.last.max(at);
        row.usage.add_record(record, cost);
        self.add_hour(model, record, cost);
    }

    /// Adds `record` to its (UTC hour, model, kind) sum.
    fn add_hour(&mut self, model: u32, record: &Record, cost: &RecordCost) {
        let (at, hours) = (record.at, &mut self.ledger.hours);
        let hour = utc_hour(at);
        let key = (hour.timestamp(), model, record.kind);
        let index = *self.hours.entry(key).or_insert_with(|| {
            hours.push(HourRow {
                hour,
                model,
                kind: record.kind,
                first: at,
                last: at,
                usage: Usage::default(),
            });
            hours.len() - 1
        });
        let row = &mut hours[index];
        row.first = row.first.min(at);
        row.last = row.last.max(at);
        row.usage.add_record(record, cost);
    }

    pub(crate) fn finish(self) -> Ledger {
        self.ledger
    }

    /// The ledger so far.
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// A builder that goes on from `ledger`; `None` when two of its rows,
    /// or two of its hours, have one key (a builder never makes that).
    pub(crate) fn restored(ledger: Ledger) -> Option<Self> {
        let rows: FxHashMap<_, _> = ledger
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.session, r.date, r.model, r.kind), i))
            .collect();
        let hours: FxHashMap<_, _> = ledger
            .hours
            .iter()
            .enumerate()
            .map(|(i, h)| ((h.hour.timestamp(), h.model, h.kind), i))
            .collect();
        let whole = rows.len() == ledger.rows.len() && hours.len() == ledger.hours.len();
        whole.then_some(LedgerBuilder {
            ledger,
            rows,
            hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::aggregate::Aggregator;
    use crate::snapshot::{RecentSession, Snapshot, Status};
    use crate::usage::{Origin, Record, Tokens, kind};
    use crate::zone::Zone;
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn rec<'a>(session: &'a str, when: &str, input: u64, origin: Origin<'a>) -> Record<'a> {
        Record {
            session,
            at: at(when),
            model: "m",
            upstream_provider: None,
            workspace: Some("api"),
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens: Tokens {
                input,
                output: 1,
                ..Tokens::default()
            },
            cache_write_1h: 0,
            cost_usd: None,
            origin,
        }
    }

    fn recent(records: &[Record<'_>]) -> Vec<RecentSession> {
        let now = at("2026-11-20T12:00:00Z");
        let mut agg = Aggregator::new(now, Zone::Utc);
        records.iter().for_each(|r| agg.add(r));
        let mut snap = Snapshot::new("pi", "pi", now, Status::Ok, "");
        let ledger = agg.fill(&mut snap);
        assert_eq!(snap.recent_sessions, ledger.recent_sessions(10));
        snap.recent_sessions
    }

    #[test]
    fn the_latest_sessions_come_newest_first_with_their_names_and_whole_tokens() {
        let omp = Origin {
            agent: Some("omp"),
            title: Some("Fix the login"),
            cwd: Some("/src/api"),
        };
        let pi = Origin {
            agent: Some("pi"),
            ..Origin::default()
        };
        let got = recent(&[
            // "old": two days, 10+1 and 20+1 tokens, last at 19th 09:00.
            rec("old", "2026-11-18T10:00:00Z", 10, pi),
            rec("old", "2026-11-19T09:00:00Z", 20, pi),
            // "new": one record of 5+1, the latest of all.
            rec("new", "2026-11-20T11:00:00Z", 5, omp),
            // "b" and "a" end at the same instant: by id, "a" first.
            rec("b", "2026-11-19T10:00:00Z", 1, Origin::default()),
            rec("a", "2026-11-19T08:00:00Z", 2, Origin::default()),
            rec("a", "2026-11-19T10:00:00Z", 3, Origin::default()),
        ]);
        let rows: Vec<_> = got
            .iter()
            .map(|r| (r.session_id.as_str(), r.last_activity, r.total_tokens))
            .collect();
        assert_eq!(
            rows,
            [
                ("new", at("2026-11-20T11:00:00Z"), 6),
                ("a", at("2026-11-19T10:00:00Z"), 3 + 4),
                ("b", at("2026-11-19T10:00:00Z"), 2),
                ("old", at("2026-11-19T09:00:00Z"), 11 + 21),
            ]
        );
        assert_eq!(got[0].agent.as_deref(), Some("omp"));
        assert_eq!(got[0].title.as_deref(), Some("Fix the login"));
        assert_eq!(got[0].workspace_label.as_deref(), Some("api"));
        assert_eq!(
            (got[1].agent.as_deref(), got[1].title.as_deref()),
            (None, None)
        );
        assert_eq!(got[3].agent.as_deref(), Some("pi"));
    }

    #[test]
    fn only_the_ten_latest_are_kept_and_none_is_absent_from_the_json() {
        let ids: Vec<String> = (0..12).map(|i| format!("s{i:02}")).collect();
        let times: Vec<String> = (0..12)
            .map(|i| format!("2026-11-19T{i:02}:00:00Z"))
            .collect();
        let records: Vec<Record<'_>> = ids
            .iter()
            .zip(&times)
            .map(|(id, t)| rec(id, t, 1, Origin::default()))
            .collect();
        let got = recent(&records);
        let order: Vec<_> = got.iter().map(|r| r.session_id.as_str()).collect();
        assert_eq!(
            order,
            [
                "s11", "s10", "s09", "s08", "s07", "s06", "s05", "s04", "s03", "s02"
            ]
        );
        let json = serde_json::to_value(&got[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "session_id": "s11",
                "workspace_label": "api",
                "last_activity": "2026-11-19T11:00:00Z",
                "total_tokens": 2
            })
        );
        let empty = Snapshot::new("pi", "pi", at("2026-11-20T12:00:00Z"), Status::Ok, "");
        let json = serde_json::to_value(&empty).unwrap();
        assert!(json.get("recent_sessions").is_none(), "{json}");
        assert!(recent(&[]).is_empty());
    }
}

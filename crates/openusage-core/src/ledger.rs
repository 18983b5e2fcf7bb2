//! The counted records of one account, summed per (session, day, model,
//! kind): small enough to keep (a row per model a session used on a day,
//! not per record) and fine enough for every report. The snapshot and the
//! reports are both made from one counting, so their totals agree.

use chrono::{DateTime, NaiveDate, Utc};

use crate::usage::{ModelKey, Record, RecordCost, Usage};
use crate::zone::Zone;
use rustc_hash::FxHashMap;

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
}

/// A session that counted, as its first counted record tells it.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub session: u32,
    pub date: NaiveDate,
    pub model: u32,
    pub kind: &'static str,
    /// The earliest and latest record.
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub usage: Usage,
}

/// Builds a [`Ledger`] record by record, with the aggregator's session and
/// model numbers.
#[derive(Debug)]
pub(crate) struct LedgerBuilder {
    ledger: Ledger,
    rows: FxHashMap<(u32, NaiveDate, u32, &'static str), usize>,
}

impl LedgerBuilder {
    pub(crate) fn new(zone: Zone) -> Self {
        LedgerBuilder {
            ledger: Ledger {
                zone,
                ..Ledger::default()
            },
            rows: FxHashMap::default(),
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
    }

    pub(crate) fn finish(self) -> Ledger {
        self.ledger
    }
}

//! The report by project: a project is a session's recorded working
//! directory, so two repositories both named `api` are two projects.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;

use super::{Filter, Group, Range, Source, Sums, rows_in};

/// One project of a project report.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRow {
    /// The working directory as recorded; `None` for the sessions that
    /// recorded none (grouped by their workspace label, if any).
    pub cwd: Option<String>,
    pub workspace: Option<String>,
    /// The first and last counted record in the range.
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub sums: Sums,
}

/// The projects with usage in the range, largest total first.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectReport {
    pub rows: Vec<ProjectRow>,
    pub total: Sums,
}

/// What a session is grouped by: its cwd, else its label, else nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Cwd(String),
    Label(String),
    Neither,
}

struct Building {
    group: Group,
    /// The label of the project's first session.
    workspace: Option<String>,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
}

/// The report by project.
pub fn by_project(
    sources: &[Source<'_>],
    range: Range,
    filter: &Filter,
    breakdown: bool,
) -> ProjectReport {
    let mut groups: FxHashMap<Key, Building> = FxHashMap::default();
    let mut total = Group::default();
    for (session, model, row) in rows_in(sources, range, filter) {
        let info = &sources[session.0].ledger.sessions[row.session as usize];
        let key = match (&info.cwd, &info.workspace) {
            (Some(cwd), _) => Key::Cwd(cwd.clone()),
            (None, Some(label)) => Key::Label(label.clone()),
            (None, None) => Key::Neither,
        };
        let building = groups.entry(key).or_insert_with(|| Building {
            group: Group::default(),
            workspace: info.workspace.clone(),
            first: row.first,
            last: row.last,
        });
        building.first = building.first.min(row.first);
        building.last = building.last.max(row.last);
        building.group.add(session, &model, row, breakdown);
        total.add(session, &model, row, breakdown);
    }
    let mut rows: Vec<ProjectRow> = groups
        .into_iter()
        .map(|(key, b)| ProjectRow {
            cwd: match key {
                Key::Cwd(cwd) => Some(cwd),
                Key::Label(_) | Key::Neither => None,
            },
            workspace: b.workspace,
            first: b.first,
            last: b.last,
            sums: b.group.sums(),
        })
        .collect();
    rows.sort_by(largest_first);
    ProjectReport {
        rows,
        total: total.sums(),
    }
}

/// Largest total first; ties by cwd, then label, the rows without either
/// last, so the order is the same every run.
fn largest_first(a: &ProjectRow, b: &ProjectRow) -> Ordering {
    let total = |r: &ProjectRow| r.sums.usage.tokens.total();
    // `None` after every name.
    let name = |x: &Option<String>, y: &Option<String>| match (x, y) {
        (Some(x), Some(y)) => x.cmp(y),
        (x, y) => x.is_none().cmp(&y.is_none()),
    };
    total(b)
        .cmp(&total(a))
        .then_with(|| name(&a.cwd, &b.cwd))
        .then_with(|| name(&a.workspace, &b.workspace))
}

#[cfg(test)]
mod tests;

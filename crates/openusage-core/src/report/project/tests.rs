use chrono::NaiveDate;

use super::*;
use crate::aggregate::Aggregator;
use crate::env::Env;
use crate::ledger::Ledger;
use crate::report::{Period, Project, by_period, by_session};
use crate::snapshot::{Snapshot, Status};
use crate::usage::{Origin, Record, Tokens, kind};
use crate::zone::Zone;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A session's record: id, time, model, input tokens, workspace, cwd, agent.
type Line<'a> = (
    &'a str,
    &'a str,
    &'a str,
    u64,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn ledger(lines: &[Line<'_>]) -> Ledger {
    let now = at("2026-11-20T12:00:00Z");
    let mut agg = Aggregator::new(now, Zone::Utc);
    for &(session, when, model, input, workspace, cwd, agent) in lines {
        agg.add(&Record {
            session,
            at: at(when),
            model,
            upstream_provider: None,
            workspace,
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens: Tokens {
                input,
                ..Tokens::default()
            },
            cache_write_1h: 0,
            cost_usd: None,
            origin: Origin {
                agent,
                title: None,
                cwd,
            },
        });
    }
    agg.fill(&mut Snapshot::new("p", "a", now, Status::Ok, ""))
}

/// Two repositories named `api` (one used by two sessions), a `web`
/// project, a session with a label and no cwd, and one with neither.
fn machine() -> Ledger {
    let a = Some("/home/a/api");
    let b = Some("/home/b/api");
    let api = Some("api");
    ledger(&[
        ("s1", "2026-11-18T10:00:00Z", "m", 10, api, a, None),
        ("s1", "2026-11-19T10:00:00Z", "n", 20, api, a, None),
        ("s2", "2026-11-19T11:00:00Z", "m", 40, api, a, Some("omp")),
        ("s3", "2026-11-17T09:00:00Z", "m", 100, api, b, None),
        (
            "s4",
            "2026-11-20T08:00:00Z",
            "m",
            5,
            Some("web"),
            Some("/w/web"),
            None,
        ),
        ("s5", "2026-11-20T09:00:00Z", "m", 3, api, None, None),
        ("s6", "2026-11-20T09:30:00Z", "m", 1, None, None, None),
    ])
}

fn source(ledger: &Ledger) -> Source<'_> {
    Source {
        provider_id: "pi",
        account_id: "pi",
        ledger,
    }
}

fn project(name: &str) -> Filter {
    Filter {
        agent: None,
        project: Some(Project::parse(name, &Env::new("/home/a"))),
    }
}

/// Each row as (cwd, label, sessions, input tokens).
fn rows(report: &ProjectReport) -> Vec<(Option<&str>, Option<&str>, u64, u64)> {
    let rows = report.rows.iter();
    rows.map(|r| {
        let input = r.sums.usage.tokens.input;
        (
            r.cwd.as_deref(),
            r.workspace.as_deref(),
            r.sums.sessions,
            input,
        )
    })
    .collect()
}

#[test]
fn two_repositories_with_one_name_are_two_projects_largest_first() {
    let l = machine();
    let report = by_project(&[source(&l)], Range::default(), &Filter::default(), false);
    assert_eq!(
        rows(&report),
        [
            (Some("/home/b/api"), Some("api"), 1, 100),
            // s1 (10 + 20) and s2 (40): two sessions, counted once each.
            (Some("/home/a/api"), Some("api"), 2, 70),
            (Some("/w/web"), Some("web"), 1, 5),
            (None, Some("api"), 1, 3),
            (None, None, 1, 1),
        ]
    );
    let a = &report.rows[1];
    assert_eq!(
        (a.first, a.last),
        (at("2026-11-18T10:00:00Z"), at("2026-11-19T11:00:00Z"))
    );
    assert!(a.sums.models.is_empty());
    assert_eq!(report.total.sessions, 6);
    assert_eq!(report.total.usage.tokens.input, 179);
}

#[test]
fn a_project_name_is_a_label_or_a_path_prefix_of_whole_components() {
    let l = machine();
    let sources = [source(&l)];
    let by = |name| by_project(&sources, Range::default(), &project(name), false);
    // The label: both repositories, and the session with no cwd.
    assert_eq!(
        rows(&by("api")),
        [
            (Some("/home/b/api"), Some("api"), 1, 100),
            (Some("/home/a/api"), Some("api"), 2, 70),
            (None, Some("api"), 1, 3),
        ]
    );
    let one = [(Some("/home/a/api"), Some("api"), 2, 70)];
    assert_eq!(rows(&by("/home/a/api")), one);
    assert_eq!(rows(&by("~/api")), one);
    assert_eq!(rows(&by("/home/a/ap")), []);
    assert_eq!(by("/home/a/ap").total.usage.requests, 0);
    // The other reports keep the same sessions.
    let sessions = by_session(&sources, Range::default(), &project("/home/a/api"), false);
    let ids: Vec<&str> = sessions
        .rows
        .iter()
        .map(|r| r.session_id.as_str())
        .collect();
    assert_eq!(ids, ["s2", "s1"]);
    let days = by_period(
        &sources,
        Period::Day,
        Range::default(),
        &project("api"),
        false,
    );
    assert_eq!(days.total.usage.tokens.input, 173);
}

#[test]
fn an_agent_is_the_recorded_one_else_the_provider_s_id() {
    let l = machine();
    let sources = [source(&l)];
    let agent = |name: &str| Filter {
        agent: Some(name.to_owned()),
        project: None,
    };
    let omp = by_session(&sources, Range::default(), &agent("omp"), false);
    let shown: Vec<_> = omp
        .rows
        .iter()
        .map(|r| (&*r.session_id, &*r.agent))
        .collect();
    assert_eq!(shown, [("s2", "omp")]);
    let pi = by_session(&sources, Range::default(), &agent("pi"), false);
    assert_eq!(pi.total.sessions, 5);
    assert!(pi.rows.iter().all(|r| r.agent == "pi"));
    let s1 = pi.rows.iter().find(|r| r.session_id == "s1").unwrap();
    assert_eq!(s1.cwd.as_deref(), Some("/home/a/api"));
}

#[test]
fn a_breakdown_splits_a_project_by_model_and_the_range_applies() {
    let l = machine();
    let range = Range {
        since: NaiveDate::from_ymd_opt(2026, 11, 19),
        until: NaiveDate::from_ymd_opt(2026, 11, 19),
    };
    let report = by_project(&[source(&l)], range, &Filter::default(), true);
    assert_eq!(rows(&report), [(Some("/home/a/api"), Some("api"), 2, 60)]);
    let models: Vec<_> = report.rows[0]
        .sums
        .models
        .iter()
        .map(|(n, u)| (n.model.as_str(), u.tokens.input))
        .collect();
    assert_eq!(models, [("m", 40), ("n", 20)]);
    assert_eq!(
        (report.rows[0].first, report.rows[0].last),
        (at("2026-11-19T10:00:00Z"), at("2026-11-19T11:00:00Z"))
    );
}

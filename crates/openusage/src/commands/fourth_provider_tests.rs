//! The host renders a provider it has never heard of: one that reads no
//! files at all, registered with one `register` call beside the shipped
//! ones, goes through detection, settings, every command and both views.

use chrono::{DateTime, Utc};
use clap::Parser;
use openusage_core::aggregate::Aggregator;
use openusage_core::usage::{Origin, Record, Tokens, kind};
use openusage_core::{
    AccountConfig, AccountError, AccountReader, CollectContext, Collected, Detection, Env,
    LoadContext, Metric, MetricKey, Provider, Snapshot, Status, TileSpec, TokenRow,
};

use super::{Later, run_with};
use crate::cli::Cli;
use crate::providers;

/// A made-up service that counts requests against a credit balance and
/// keeps no files: its usage is one fixed record.
#[derive(Debug)]
struct Quota;

const CREDITS: MetricKey = MetricKey::new("total_credits");

#[derive(Debug)]
struct QuotaAccount(String);

impl Provider for Quota {
    fn id(&self) -> &'static str {
        "quota"
    }

    fn name(&self) -> &'static str {
        "Quota"
    }

    fn looks_in(&self) -> &'static str {
        "its own memory"
    }

    fn tile(&self) -> TileSpec {
        const ROWS: &[TokenRow] = &[TokenRow {
            label: "credits",
            metric: CREDITS,
        }];
        TileSpec::with_extra_tokens(ROWS)
    }

    fn detect(&self, _env: &Env) -> Detection {
        Detection {
            accounts: vec![AccountConfig::new("quota", "quota")],
            tools: Vec::new(),
        }
    }

    fn load_account(
        &self,
        config: &AccountConfig,
        _ctx: &LoadContext<'_>,
    ) -> Result<Box<dyn AccountReader>, AccountError> {
        Ok(Box::new(QuotaAccount(config.id.clone())))
    }
}

impl AccountReader for QuotaAccount {
    fn collect(&self, ctx: &CollectContext<'_>) -> Collected {
        let now = ctx.clock.now();
        let mut aggregator = Aggregator::new(now, ctx.zone);
        aggregator.add(&Record {
            session: "q1",
            at: now,
            model: "quota-model-1",
            upstream_provider: Some("quota"),
            workspace: None,
            kind: kind::ASSISTANT,
            subkind: None,
            response_model: None,
            tokens: Tokens {
                input: 1_200,
                output: 300,
                cache_read: 0,
                cache_write: 0,
            },
            cache_write_1h: 0,
            cost_usd: Some(0.25),
            // A provider that stands for two agents, as Pi does.
            origin: Origin {
                agent: Some("quota-cli"),
                title: Some("Fix the login"),
                cwd: Some("/srv/quota"),
            },
        });
        let totals = aggregator.totals();
        let mut snapshot = Snapshot::new("quota", &self.0, now, Status::Ok, totals.summary());
        snapshot.timezone = ctx.zone.name().to_owned();
        let ledger = aggregator.fill(&mut snapshot);
        snapshot.set_metric(CREDITS, Metric::count(42, "credits", "all-time"));
        Collected { snapshot, ledger }
    }
}

fn openusage(args: &[&str]) -> String {
    let mut registry = providers::registry();
    registry.register(Quota);
    let cli = Cli::try_parse_from(
        ["openusage", "--no-cache", "--now", "2026-11-20T12:00:00Z"]
            .iter()
            .chain(args),
    )
    .unwrap();
    // A home with no agent data: only the fourth provider has an account.
    let home = tempfile::tempdir().unwrap();
    let env = Env::new(home.path());
    let later = Later::default();
    run_with(registry, &cli, &env, &later, false).unwrap().text
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-20T12:00:00Z")
        .unwrap()
        .to_utc()
}

#[test]
fn every_command_shows_a_provider_that_reads_no_files() {
    let detect = openusage(&["detect"]);
    assert!(detect.contains("quota"), "{detect}");

    let json: serde_json::Value =
        serde_json::from_str(&openusage(&["snapshot", "--json"])).unwrap();
    let snapshots = json["snapshots"].as_array().unwrap();
    assert_eq!(snapshots.len(), 1, "{json:#}");
    assert_eq!(snapshots[0]["provider_id"], "quota");
    assert_eq!(snapshots[0]["metrics"]["total_tokens"]["used"], 1_500);
    assert_eq!(snapshots[0]["metrics"]["total_credits"]["used"], 42);
    assert_eq!(
        snapshots[0]["timestamp"],
        now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );

    let daily = openusage(&["report", "daily"]);
    assert!(
        daily.contains("2026-11-20") && daily.contains("1,500"),
        "{daily}"
    );

    // The tile shows the row the provider declared, as it shows Codex's
    // reasoning: the host knows neither.
    let dashboard = openusage(&["dashboard", "--once", "--width", "100"]);
    assert!(dashboard.contains("credits 42"), "{dashboard}");
    assert!(dashboard.contains("quota-model-1"), "{dashboard}");
    let analytics = openusage(&["analytics", "--once", "--width", "100"]);
    assert!(analytics.contains("quota-model-1"), "{analytics}");
}

#[test]
fn a_session_shows_the_agent_title_and_directory_its_provider_recorded() {
    let table = openusage(&["session"]);
    let row = table.lines().find(|l| l.contains("q1")).unwrap();
    let cells: Vec<&str> = row.split("  ").filter(|c| !c.is_empty()).collect();
    // LAST and FIRST ACTIVITY, AGENT, PROVIDER, SESSION, TITLE, WORKSPACE
    // (none: `-`), TURNS, and the usage.
    assert_eq!(
        cells[2..8].iter().map(|c| c.trim()).collect::<Vec<_>>(),
        ["quota-cli", "quota", "q1", "Fix the login", "-", "1"],
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&openusage(&["session", "--json"])).unwrap();
    let row = &json["rows"][0];
    assert_eq!(
        (&row["agent"], &row["title"], &row["cwd"]),
        (
            &"quota-cli".into(),
            &"Fix the login".into(),
            &"/srv/quota".into()
        )
    );
    // The agent is the recorded one, not the provider's id.
    let only = |args: &[&str]| {
        let doc: serde_json::Value = serde_json::from_str(&openusage(args)).unwrap();
        doc["total"]["total_tokens"].clone()
    };
    assert_eq!(only(&["daily", "--json", "--agent", "quota-cli"]), 1_500);
    assert_eq!(only(&["daily", "--json", "--agent", "quota"]), 0);
    assert_eq!(only(&["project", "--json", "--project", "/srv"]), 1_500);
    assert_eq!(only(&["project", "--json", "--project", "/sr"]), 0);
}

#[test]
fn with_no_account_the_views_say_where_every_registered_provider_looked() {
    let settings = tempfile::tempdir().unwrap();
    let path = settings.path().join("settings.json");
    std::fs::write(&path, r#"{"detect": false}"#).unwrap();
    let path = path.to_str().unwrap();
    let detect = openusage(&["--config", path, "detect"]);
    assert!(
        detect.contains(
            "Looked for: Pi (~/.pi, ~/.omp), Codex (~/.codex), Claude Code (~/.claude), \
             Quota (its own memory)."
        ),
        "{detect}"
    );
    let dashboard = openusage(&["--config", path, "dashboard", "--once", "--width", "120"]);
    assert!(dashboard.contains("Quota (its own memory)."), "{dashboard}");
}

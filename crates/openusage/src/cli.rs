//! The command line.
//!
//! The doc comments here are `--help` text, where `<dir>` is a placeholder
//! for people, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// How much you use your AI coding agents, read from the files they keep on
/// this machine. No account, no network, no upload.
#[derive(Debug, Parser)]
#[command(name = "openusage", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Settings file [default: $OPENUSAGE_CONFIG, else <config dir>/openusage/settings.json]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Pin the clock to this RFC 3339 instant (reproducible reports, tests)
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Read every file afresh and keep nothing for the next run (the cache
    /// lives in <cache dir>/openusage and holds derived numbers only)
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Where days start: UTC, local, or an IANA name such as Europe/Warsaw
    /// [default: the settings' "timezone", else UTC]
    #[arg(long, global = true, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Which costs to show: recorded plus list-price estimates for the rest
    /// (auto), only what the agents recorded (recorded), or every request at
    /// list price (calculate) [default: the settings' "cost", else auto]
    #[arg(long, global = true, value_name = "MODE", value_parser = ["auto", "recorded", "calculate"])]
    pub cost: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The dashboard: one tile per account (the default command)
    Dashboard(View),
    /// The analytics page: daily charts, models, workspaces, upstream providers
    Analytics(View),
    /// List the agents' tools and the accounts found on this machine
    Detect {
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// The list price a model id resolves to, and the table entry it comes from
    Prices {
        /// The model id, as an agent records it (claude-sonnet-4-5-20250929)
        model: String,
        /// The upstream provider the agent records beside it (anthropic)
        #[arg(long, value_name = "PROVIDER")]
        provider: Option<String>,
    },
    /// Collect every account's usage now
    Snapshot {
        /// Print the JSON document (schema_version 1) instead of a summary
        #[arg(long)]
        json: bool,
        /// Only this provider's accounts (its default account when it has none)
        #[arg(long, value_name = "ID")]
        provider: Option<String>,
    },
    /// Usage per day, week, month or session: a table, or JSON
    Report(Report),
}

/// `openusage report`.
#[derive(Debug, Args)]
pub struct Report {
    /// What each row is
    #[arg(value_enum)]
    pub by: ReportBy,
    /// Only this provider's accounts
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// First day to include (YYYY-MM-DD in the chosen time zone)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Last day to include (YYYY-MM-DD in the chosen time zone)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Split each row by model
    #[arg(long)]
    pub breakdown: bool,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// The first day of a week, for the weekly report
    #[arg(long, value_enum, default_value_t = WeekStart::Monday)]
    pub week_start: WeekStart,
    /// Fit the table in N columns [default: the terminal's when stdout is
    /// one; piped output is not fitted]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: Option<u16>,
    /// The compact table at any width: session ids shortened, no cache
    /// columns
    #[arg(long)]
    pub compact: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportBy {
    Daily,
    Weekly,
    Monthly,
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WeekStart {
    Monday,
    Sunday,
}

impl WeekStart {
    /// As on the command line and in JSON: `monday`, `sunday`.
    pub fn as_str(self) -> &'static str {
        match self {
            WeekStart::Monday => "monday",
            WeekStart::Sunday => "sunday",
        }
    }

    /// As in a sentence: `Monday`, `Sunday`.
    pub fn name(self) -> &'static str {
        match self {
            WeekStart::Monday => "Monday",
            WeekStart::Sunday => "Sunday",
        }
    }
}

/// Options shared by the two views.
#[derive(Debug, Args, Default)]
pub struct View {
    /// Print the page one time as text and exit (no escape codes when stdout
    /// is not a terminal or NO_COLOR is set)
    #[arg(long)]
    pub once: bool,
    /// Width of the --once output [default: the terminal's, else 100]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: Option<u16>,
    /// Only this provider's accounts
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
}

fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e} (expected RFC 3339, such as 2026-11-20T12:00:00Z)"))
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("{e} (expected a date such as 2026-11-20)"))
}

//! The command line.
//!
//! The doc comments here are `--help` text, where `<dir>` is a placeholder
//! for people, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

use std::ops::Deref;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::builder::PossibleValuesParser;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// How much you use your AI coding agents, read from the files they keep on
/// this machine. No account, no network, no upload.
#[derive(Debug, Parser)]
#[command(name = "openusage", version, about, max_term_width = 100, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Shown under `openusage --help`.
const EXAMPLES: &str = "\
Examples:
  openusage                                 the live dashboard (Tab: analytics)
  openusage daily -s 20261101 -z Europe/Warsaw
  openusage session -b --order asc          sessions oldest first, per model
  openusage snapshot -j --allow-partial     JSON; exit 0 though a file was unreadable
  openusage analytics --once --window 7d    the analytics page once, last 7 days
  openusage completions bash > ~/.local/share/bash-completion/completions/openusage";

/// The command definition, with the values of every `--provider` that
/// names an account's provider taken from `provider_ids` (the registry's):
/// `--help` and the completions list them, and the host names none.
pub fn command(provider_ids: &[&'static str]) -> clap::Command {
    let placeholders = crate::template::help();
    let command = Cli::command().mut_subcommand("statusline", |sub| sub.after_help(placeholders));
    command.mut_subcommands(|sub| {
        // `prices --provider` is a model's upstream provider, not ours.
        let ours =
            sub.get_name() != "prices" && sub.get_arguments().any(|a| a.get_id() == "provider");
        match ours {
            true => sub.mut_arg("provider", |arg| {
                arg.value_parser(PossibleValuesParser::new(provider_ids.iter().copied()))
            }),
            false => sub,
        }
    })
}

/// In a heading of their own, so that every command's help shows its own
/// options first.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
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
    #[arg(short = 'z', long, global = true, value_name = "ZONE")]
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
    Analytics(Analytics),
    /// List the agents' tools and the accounts found on this machine
    Detect {
        /// Print JSON (schema_version 1) instead of a table
        #[arg(short, long)]
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
        #[arg(short, long)]
        json: bool,
        /// Only this provider's accounts (its default account when it has none)
        #[arg(long, value_name = "ID")]
        provider: Option<String>,
        /// Exit 0 even when an account could not be read fully
        #[arg(long)]
        allow_partial: bool,
    },
    /// Usage per day, week, month, session or project: a table, or JSON
    Report(Report),
    /// Usage per day: the same as `report daily`
    Daily(ReportFlags),
    /// Usage per week: the same as `report weekly`
    Weekly(ReportFlags),
    /// Usage per month: the same as `report monthly`
    Monthly(ReportFlags),
    /// Usage per session: the same as `report session`
    Session(ReportFlags),
    /// Usage per project (working directory): the same as `report project`
    Project(ReportFlags),
    /// 5-hour blocks per account: usage, and the active block's burn rate
    /// and projection
    Blocks(Blocks),
    /// One short line for shell prompts, tmux and editor status bars: today's
    /// cost and tokens, the active block, limit percents
    Statusline(Statusline),
    /// Print a shell completion script for SHELL on stdout
    Completions {
        /// The shell the script is for
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff) on stdout: `openusage man > openusage.1`
    Man,
}

/// `openusage report`.
#[derive(Debug, Args)]
pub struct Report {
    /// What each row is, or `html`: one self-contained page of charts and tables
    #[arg(value_enum)]
    pub by: ReportBy,
    #[command(flatten)]
    pub flags: ReportFlags,
    /// The page's file, `-` for standard output (`html` only)
    /// [default: openusage-report.html]
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the page's file when it exists (`html` only)
    #[arg(long)]
    pub force: bool,
}

/// A report reads its flags as its own (`args.since`), whether it was
/// asked for as `report daily` or as `daily`.
impl Deref for Report {
    type Target = ReportFlags;

    fn deref(&self) -> &ReportFlags {
        &self.flags
    }
}

/// The flags of `report` and of its aliases `daily`, `weekly`, `monthly`,
/// `session` and `project`.
#[derive(Debug, Clone, Args)]
pub struct ReportFlags {
    /// Only this provider's accounts
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Only sessions of this agent: pi or omp (Pi and Oh My Pi), else a
    /// provider's id (codex, claude_code)
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,
    /// Only sessions of this project: a workspace label (api), or, starting
    /// with / or ~, a directory and everything below it (~/code/api)
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// First day to include (YYYY-MM-DD or YYYYMMDD, in the chosen time zone)
    #[arg(short, long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Last day to include (YYYY-MM-DD or YYYYMMDD, in the chosen time zone)
    #[arg(short, long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Split each row by model
    #[arg(short, long)]
    pub breakdown: bool,
    /// Print JSON instead of a table
    #[arg(short, long)]
    pub json: bool,
    /// The first day of a week, for the weekly report
    #[arg(long, value_enum, default_value_t = WeekStart::Monday)]
    pub week_start: WeekStart,
    /// Fit the table in N columns [default: the terminal's when stdout is
    /// one; piped output is not fitted]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..=1000))]
    pub width: Option<u16>,
    /// The compact table at any width: session ids shortened, no provider,
    /// title or cache columns
    #[arg(long)]
    pub compact: bool,
    /// Row order: asc (oldest, or smallest, first) or desc (newest, or
    /// largest, first) [default: asc for days, weeks and months; desc for
    /// sessions (by last activity) and projects (by total tokens)]
    #[arg(long, value_enum)]
    pub order: Option<Order>,
    /// Exit 0 even when an account could not be read fully
    #[arg(long)]
    pub allow_partial: bool,
}

/// The order of a report's rows, by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportBy {
    Daily,
    Weekly,
    Monthly,
    Session,
    Project,
    /// One self-contained HTML page: cards, charts and tables
    Html,
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

/// `openusage blocks`.
#[derive(Debug, Args)]
pub struct Blocks {
    /// Only the active block (now before its end) of each account
    #[arg(long, conflicts_with = "recent")]
    pub active: bool,
    /// Only the active blocks and those that ended in the last 3 days
    #[arg(long)]
    pub recent: bool,
    /// Print JSON instead of a table
    #[arg(short, long)]
    pub json: bool,
    /// Show each block's tokens as a percent of N tokens, or of the largest
    /// past block's with `max`
    #[arg(long, value_name = "N|max", value_parser = parse_token_limit)]
    pub token_limit: Option<TokenLimit>,
    /// Only this provider's accounts
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
    /// Exit 0 even when an account could not be read fully
    #[arg(long)]
    pub allow_partial: bool,
}

/// `openusage statusline`.
#[derive(Debug, Args)]
pub struct Statusline {
    /// What to print: text with placeholders such as {today_cost} (listed
    /// below); `{{` and `}}` print a brace
    #[arg(short, long, value_name = "TEMPLATE")]
    pub format: Option<String>,
    /// Read Claude Code's statusLine JSON from stdin (its session and
    /// model); stdin is never read without it
    #[arg(long)]
    pub stdin: bool,
    /// Colour the limit percents with ANSI escape codes (none without it)
    #[arg(long)]
    pub color: bool,
    /// Only this provider's accounts
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,
}

/// `--token-limit`: a number of tokens, or the largest past block's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenLimit {
    Tokens(u64),
    Max,
}

fn parse_token_limit(text: &str) -> Result<TokenLimit, String> {
    match text {
        "max" => Ok(TokenLimit::Max),
        _ => match text.parse::<u64>() {
            Ok(n) if n > 0 => Ok(TokenLimit::Tokens(n)),
            _ => Err("expected a number of tokens above 0, or max".to_owned()),
        },
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

/// `openusage analytics`.
#[derive(Debug, Args)]
pub struct Analytics {
    #[command(flatten)]
    pub view: View,
    /// The span of the daily charts, with --once (the live page starts at
    /// 30d, and `w` cycles) [default: 30d]
    #[arg(long, value_enum, value_name = "SPAN", requires = "once")]
    pub window: Option<ChartWindow>,
}

/// The spans of days the analytics charts can cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartWindow {
    #[value(name = "7d")]
    Days7,
    #[value(name = "30d")]
    Days30,
    #[value(name = "90d")]
    Days90,
    All,
}

fn parse_now(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e} (expected RFC 3339, such as 2026-11-20T12:00:00Z)"))
}

/// A day as `YYYY-MM-DD` or `YYYYMMDD` (as ccusage takes it), and nothing
/// else: chrono alone would also take `2026-1-5` or a five-digit year.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    const EXPECTED: &str = "expected YYYY-MM-DD or YYYYMMDD, such as 2026-11-20 or 20261120";
    // Dashes only where YYYY-MM-DD has them; any other dash leaves fewer
    // than eight digits.
    let digits = match text.as_bytes() {
        [_, _, _, _, b'-', _, _, b'-', _, _] => text.replace('-', ""),
        _ => text.to_owned(),
    };
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EXPECTED.to_owned());
    }
    NaiveDate::parse_from_str(&digits, "%Y%m%d").map_err(|_| format!("no such day ({EXPECTED})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_date_is_yyyy_mm_dd_or_yyyymmdd_and_nothing_else() {
        assert_eq!(parse_date("2026-11-01"), Ok(day(2026, 11, 1)));
        assert_eq!(parse_date("20261101"), Ok(day(2026, 11, 1)));
        assert_eq!(parse_date("20240229"), Ok(day(2024, 2, 29)));
        for bad in [
            "2026-1-5",
            "2026-11-1",
            "2026/11/01",
            "261101",
            "+2026-11-01",
            "2026-11-01x",
            "2026--11-01",
            "202611010",
            "",
            "２０２６１１０１",
            "2026-11-0١",
        ] {
            let error = parse_date(bad).unwrap_err();
            assert!(
                error.contains("expected YYYY-MM-DD or YYYYMMDD"),
                "{bad}: {error}"
            );
        }
        for no_such_day in ["20261301", "2026-02-30", "20250229", "20261100"] {
            let error = parse_date(no_such_day).unwrap_err();
            assert!(error.starts_with("no such day"), "{no_such_day}: {error}");
        }
    }

    #[test]
    fn the_definition_holds_together() {
        command(&crate::providers::registry().ids()).debug_assert();
    }

    #[test]
    fn every_account_provider_flag_offers_the_registry_s_ids_and_prices_its_own() {
        let ids = crate::providers::registry().ids();
        let command = command(&ids);
        let mut checked = Vec::new();
        for sub in command.get_subcommands() {
            let Some(arg) = sub.get_arguments().find(|a| a.get_id() == "provider") else {
                continue;
            };
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_owned())
                .collect();
            match sub.get_name() {
                // A model's upstream provider: any name an agent records.
                "prices" => assert!(values.is_empty(), "{values:?}"),
                name => {
                    assert_eq!(values, ids, "{name}");
                    checked.push(name);
                }
            }
        }
        let expected = [
            "dashboard",
            "analytics",
            "snapshot",
            "report",
            "daily",
            "weekly",
            "monthly",
            "session",
            "project",
            "blocks",
            "statusline",
        ];
        assert_eq!(checked, expected);
    }
}

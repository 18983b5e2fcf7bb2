//! One module per subcommand; each returns its whole output (an [`Output`]),
//! printed only once it is complete.

mod blocks;
mod detect;
mod man;
mod report;
mod report_html;
mod report_json;
mod report_layout;
mod shortfall;
mod snapshot;
mod statusline;
mod view;

use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use openusage_core::pricing::{CostMode, Pricing};
use openusage_core::{
    Account, Clock, CollectContext, Collected, Env, FixedClock, Progress, Registry, Settings,
    SystemClock, Zone, settings,
};
use openusage_prices::PriceTable;

use openusage_tui::Page;
use openusage_tui::text::clean;

use crate::cli::{self, Cli, Command, Report, ReportBy, ReportFlags, View};
use crate::error::{CacheNotSaved, Error, Result};
use crate::providers;

/// What every command starts from: the providers, the settings and the clock.
pub struct Context<'a> {
    pub env: &'a Env,
    pub registry: Registry,
    pub settings: Settings,
    pub clock: Box<dyn Clock>,
    /// Where days start: `--timezone`, else the settings', else UTC.
    pub zone: Zone,
    /// The list prices and the cost mode.
    pub pricing: Pricing,
    /// Where accounts keep their readings between runs; `None` with `--no-cache`.
    pub cache_dir: Option<PathBuf>,
    /// What to save once the output is out.
    pub later: &'a Later,
    /// Whether stderr is a terminal, where a long collection shows a
    /// progress bar (see [`crate::progress`]).
    pub stderr_is_terminal: bool,
}

/// The accounts a one-shot command collected, kept so that what they learnt
/// is saved after the output is printed: a save that fails, or a process
/// stopped while it writes, never costs the output.
#[derive(Debug, Default)]
pub struct Later {
    saves: RefCell<Vec<(PathBuf, Vec<Account>)>>,
}

impl Later {
    /// Saves what every account kept here learnt (see [`save_all`]).
    pub fn save(self) {
        for (dir, accounts) in self.saves.into_inner() {
            for note in save_all(&accounts, &dir) {
                eprintln!("openusage: note: {note}");
            }
        }
    }
}

impl Context<'_> {
    /// What an account is collected with: the machine, the clock, the zone,
    /// the prices and the cache directory of this command.
    pub fn collect_context<'c>(&'c self, progress: &'c Progress) -> CollectContext<'c> {
        CollectContext {
            env: self.env,
            clock: self.clock.as_ref(),
            zone: self.zone,
            pricing: &self.pricing,
            progress,
            cache_dir: self.cache_dir.as_deref(),
            again: false,
        }
    }

    /// Detected and configured accounts, merged.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        Ok(self.registry.accounts(self.env, &self.settings)?)
    }
}

/// What a command prints, and whether it falls short.
#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    /// An account could not be read fully (see [`shortfall`]) and the user
    /// did not allow it: the process exits 1 once `text` is printed.
    pub partial: bool,
}

impl From<String> for Output {
    fn from(text: String) -> Self {
        Output {
            text,
            partial: false,
        }
    }
}

/// Runs the command; what it collected is left in `later` to save once its
/// output is printed.
pub fn run(cli: &Cli, env: &Env, later: &Later) -> Result<Output> {
    let stderr_is_terminal = std::io::stderr().is_terminal();
    run_with(providers::registry(), cli, env, later, stderr_is_terminal)
}

/// [`run`] with the providers of `registry`; a progress bar only when
/// `stderr_is_terminal` (tests pass `false`).
fn run_with(
    registry: Registry,
    cli: &Cli,
    env: &Env,
    later: &Later,
    stderr_is_terminal: bool,
) -> Result<Output> {
    // Completions and the man page come from the command definition alone:
    // only the other commands read the settings, so a broken settings file
    // never stops an install.
    let context = |registry| {
        context(registry, cli, env, later).map(|mut ctx| {
            ctx.stderr_is_terminal = stderr_is_terminal;
            ctx
        })
    };
    let report = |registry, by, flags: &ReportFlags| {
        let flags = flags.clone();
        report::run(
            &context(registry)?,
            &Report {
                by,
                flags,
                output: None,
                force: false,
            },
        )
    };
    let view = |registry, page, v: &View, window| {
        view::run(context(registry)?, page, v, window).map(Output::from)
    };
    match &cli.command {
        Some(Command::Completions { shell }) => Ok(completions(*shell, &registry).into()),
        Some(Command::Man) => man(&registry).map(Output::from),
        Some(Command::Detect { json }) => detect::run(&context(registry)?, *json).map(Output::from),
        Some(Command::Prices { model, provider }) => {
            Ok(prices(&context(registry)?, model, provider.as_deref()).into())
        }
        Some(Command::Snapshot {
            json,
            provider,
            allow_partial,
        }) => snapshot::run(
            &context(registry)?,
            *json,
            provider.as_deref(),
            *allow_partial,
        ),
        Some(Command::Report(r)) => report::run(&context(registry)?, r),
        Some(Command::Blocks(b)) => blocks::run(&context(registry)?, b),
        Some(Command::Statusline(s)) => {
            // No progress bar: a status bar runs it, not a person.
            let mut ctx = context(registry)?;
            ctx.stderr_is_terminal = false;
            let stdin = s
                .stdin
                .then(|| statusline::read_within(std::io::stdin(), statusline::WAIT))
                .flatten();
            statusline::run(&ctx, s, stdin)
        }
        Some(Command::Daily(flags)) => report(registry, ReportBy::Daily, flags),
        Some(Command::Weekly(flags)) => report(registry, ReportBy::Weekly, flags),
        Some(Command::Monthly(flags)) => report(registry, ReportBy::Monthly, flags),
        Some(Command::Session(flags)) => report(registry, ReportBy::Session, flags),
        Some(Command::Project(flags)) => report(registry, ReportBy::Project, flags),
        Some(Command::Dashboard(v)) => view(registry, Page::Dashboard, v, None),
        Some(Command::Analytics(a)) => view(registry, Page::Analytics, &a.view, a.window),
        None => view(registry, Page::Dashboard, &View::default(), None),
    }
}

/// `openusage completions SHELL`: the script, from the command definition.
fn completions(shell: clap_complete::Shell, registry: &Registry) -> String {
    let mut script = Vec::new();
    clap_complete::generate(
        shell,
        &mut cli::command(&registry.ids()),
        "openusage",
        &mut script,
    );
    String::from_utf8_lossy(&script).into_owned()
}

/// `openusage man`: the manual page in roff, from the command definition.
fn man(registry: &Registry) -> Result<String> {
    man::page(cli::command(&registry.ids())).map_err(Error::Output)
}

/// The accounts to show; with `provider`, only that provider's, and its
/// default account when it has none, so the user sees why it is empty.
pub fn accounts_for(ctx: &Context<'_>, provider: Option<&str>) -> Result<Vec<Account>> {
    let mut accounts = ctx.accounts()?;
    if let Some(id) = provider {
        if !ctx.registry.ids().contains(&id) {
            return Err(Error::UnknownProvider {
                id: id.to_owned(),
                known: ctx.registry.ids().join(", "),
            });
        }
        accounts.retain(|a| a.config.provider == id);
        if accounts.is_empty() {
            accounts.extend(ctx.registry.default_account(id, ctx.env));
        }
    }
    Ok(accounts)
}

fn context<'a>(
    registry: Registry,
    cli: &Cli,
    env: &'a Env,
    later: &'a Later,
) -> Result<Context<'a>> {
    let settings = settings::find(cli.global.config.as_deref(), env, &registry.ids())?;
    for note in &settings.notes {
        eprintln!("openusage: note: {}", clean(note));
    }
    let clock: Box<dyn Clock> = match cli.global.now {
        Some(now) => Box::new(FixedClock(now)),
        None => Box::new(SystemClock),
    };
    let zone = match &cli.global.timezone {
        Some(name) => Zone::parse(name, env)?,
        None => settings.zone(env),
    };
    let cache_dir = match cli.global.no_cache {
        true => None,
        false => env.cache_dir().map(|d| d.join("openusage")),
    };
    if let Some(dir) = &cache_dir {
        openusage_files::remove_abandoned(dir);
    }
    Ok(Context {
        env,
        registry,
        pricing: pricing(cli, &settings),
        settings,
        clock,
        zone,
        cache_dir,
        later,
        stderr_is_terminal: false,
    })
}

/// The list prices (the embedded table, the settings' own prices over it)
/// and the cost mode: `--cost`, else the settings' `cost`, else `auto`.
fn pricing(cli: &Cli, settings: &Settings) -> Pricing {
    let table = PriceTable::new().with_user_prices(
        settings
            .prices
            .iter()
            .map(|(model, price)| (model.clone(), *price)),
    );
    let mode = cli
        .global
        .cost
        .as_deref()
        .and_then(CostMode::from_name)
        .or(settings.cost)
        .unwrap_or_default();
    Pricing {
        prices: Arc::new(table),
        mode,
    }
}

/// `openusage prices MODEL`: the entry and the prices the model resolves to.
fn prices(ctx: &Context<'_>, model: &str, provider: Option<&str>) -> String {
    let table = PriceTable::new().with_user_prices(
        ctx.settings
            .prices
            .iter()
            .map(|(model, price)| (model.clone(), *price)),
    );
    // Cleaned line by line: the model id is the user's, the newlines ours.
    let described = table.describe(model, provider);
    described.lines().map(|line| clean(line) + "\n").collect()
}

/// Collects every account once, with a progress bar on stderr when that is
/// a terminal and it takes a while; what they learnt is saved for the next
/// run once the output is printed (see [`Later`]).
pub fn collect_once(ctx: &Context<'_>, accounts: Vec<Account>) -> Vec<Collected> {
    let progress = Progress::default();
    let dir = ctx.cache_dir.as_deref();
    let collect = ctx.collect_context(&progress);
    let collected = crate::progress::while_collecting(&progress, ctx.stderr_is_terminal, || {
        accounts.iter().map(|a| a.collect(&collect)).collect()
    });
    if let Some(dir) = dir {
        ctx.later
            .saves
            .borrow_mut()
            .push((dir.to_owned(), accounts));
    }
    collected
}

/// Saves every account's readings under `dir`. A cache that cannot be
/// written costs speed next time, not this output: the notes returned say
/// which (for stderr, made inert), and the other accounts are saved all
/// the same.
pub fn save_all(accounts: &[Account], dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    for account in accounts {
        if let Err(source) = account.save(dir) {
            let note = CacheNotSaved {
                provider: account.config.provider.clone(),
                account: account.config.id.clone(),
                dir: dir.to_owned(),
                source,
            };
            notes.push(clean(&note.to_string()));
        }
    }
    notes
}

#[cfg(test)]
mod fourth_provider_tests;
#[cfg(test)]
mod report_width_tests;

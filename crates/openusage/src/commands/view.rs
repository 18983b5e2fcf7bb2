//! `openusage dashboard` and `openusage analytics`: the live views, or one
//! rendering of them with `--once`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use openusage_core::pricing::Pricing;
use openusage_core::{Account, Clock, CollectContext, Env, Progress, Snapshot, Watched, Zone};
use openusage_tui::{App, Options, Page, Source, Window, live, once};

use super::{Context, accounts_for, collect_once, save_all};
use crate::cli::{ChartWindow, View};
use crate::error::Result;

/// Width of `--once` output when neither `--width` nor a terminal says.
const DEFAULT_WIDTH: u16 = 100;

/// `window`: the analytics charts' span for `--once` (clap allows it only
/// there); the app's own otherwise.
pub fn run(
    ctx: Context<'_>,
    page: Page,
    view: &View,
    window: Option<ChartWindow>,
) -> Result<String> {
    let accounts = accounts_for(&ctx, view.provider.as_deref())?;
    let stdout_is_terminal = std::io::stdout().is_terminal();
    if view.once || !stdout_is_terminal {
        let snapshots = collect_once(&ctx, accounts)
            .into_iter()
            .map(|c| c.snapshot)
            .collect();
        let from_terminal = stdout_is_terminal.then(live::terminal_width).flatten();
        let width = view.width.or(from_terminal).unwrap_or(DEFAULT_WIDTH);
        let color = stdout_is_terminal && ctx.env.var("NO_COLOR").is_none();
        let mut app = App::with_snapshots(page, snapshots)
            .with_providers(ctx.registry.about())
            .with_cost(ctx.pricing.mode);
        app.window = window.map_or(app.window, chart_window);
        return Ok(once::render(&app, width, color));
    }
    let options = Options {
        page,
        refresh_every: Duration::from_secs(ctx.settings.ui.refresh_interval_seconds),
        providers: ctx.registry.about(),
        cost: ctx.pricing.mode,
    };
    let source = Accounts {
        accounts,
        env: ctx.env.clone(),
        clock: ctx.clock,
        zone: ctx.zone,
        pricing: ctx.pricing.clone(),
        cache_dir: ctx.cache_dir,
    };
    live::run(source, options)?;
    Ok(String::new())
}

fn chart_window(window: ChartWindow) -> Window {
    match window {
        ChartWindow::Days7 => Window::Days7,
        ChartWindow::Days30 => Window::Days30,
        ChartWindow::Days90 => Window::Days90,
        ChartWindow::All => Window::All,
    }
}

/// The accounts, collected again on every refresh; each keeps what it
/// learnt of its files, so a refresh re-reads only what changed, and saves
/// it for the next run when the live view asks (see [`Source::save`]).
struct Accounts {
    accounts: Vec<Account>,
    env: Env,
    clock: Box<dyn Clock>,
    zone: Zone,
    pricing: Pricing,
    cache_dir: Option<PathBuf>,
}

impl Source for Accounts {
    fn collect(&mut self, progress: &Progress) -> Vec<Snapshot> {
        let ctx = CollectContext {
            env: &self.env,
            clock: self.clock.as_ref(),
            zone: self.zone,
            pricing: &self.pricing,
            progress,
            cache_dir: self.cache_dir.as_deref(),
            again: true,
        };
        self.accounts
            .iter()
            .map(|a| a.collect(&ctx).snapshot)
            .collect()
    }

    fn save(&mut self) -> Vec<String> {
        match &self.cache_dir {
            Some(dir) => save_all(&self.accounts, dir),
            None => Vec::new(),
        }
    }

    /// Every account's directories. An account that names none is
    /// refreshed by the view's timer alone (with all of them when none
    /// does: the view then polls).
    fn watched(&self) -> Vec<Watched> {
        self.accounts
            .iter()
            .flat_map(|a| a.watched(&self.env))
            .collect()
    }

    fn writes_in(&self) -> Option<PathBuf> {
        self.cache_dir.clone()
    }
}

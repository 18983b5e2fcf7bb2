//! The state of the views and how keys change it. Nothing here draws.

use std::time::Duration;

use openusage_core::pricing::CostMode;
use openusage_core::{About, Snapshot, TileSpec};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Dashboard,
    Analytics,
}

/// The span of days the analytics charts cover; `w` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Days7,
    Days30,
    Days90,
    All,
}

impl Window {
    /// Days covered, ending today; `None` for all of history.
    pub fn days(self) -> Option<u32> {
        match self {
            Window::Days7 => Some(7),
            Window::Days30 => Some(30),
            Window::Days90 => Some(90),
            Window::All => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::Days7 => "7d",
            Window::Days30 => "30d",
            Window::Days90 => "90d",
            Window::All => "all",
        }
    }

    fn next(self) -> Window {
        match self {
            Window::Days7 => Window::Days30,
            Window::Days30 => Window::Days90,
            Window::Days90 => Window::All,
            Window::All => Window::Days7,
        }
    }
}

/// Where a collection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    /// No collection is running.
    Idle,
    /// A collection is running: `files` read so far of the `found` the
    /// walks have found so far.
    Reading { files: u64, found: u64 },
}

/// Everything the views draw from.
#[derive(Debug, Clone)]
pub struct App {
    pub page: Page,
    pub window: Window,
    /// The snapshots of the accounts shown, in display order; `None` until
    /// the first collection finishes. Set through [`App::set_snapshots`], so
    /// that every change is counted in `data`.
    snapshots: Option<Vec<Snapshot>>,
    /// Counts the changes of `snapshots`: a page built for one value of it
    /// is still right while it stays the same.
    data: u64,
    pub loading: Loading,
    /// Index of the selected tile on the dashboard.
    pub selected: usize,
    /// First body row shown, per page (the body can be taller than the screen).
    pub scroll: u16,
    /// What the last drawing showed; paging keys move by it.
    pub viewport: Viewport,
    /// Whether the next drawing shows the selected tile from its top (after
    /// a move to another tile), rather than as little moved as will do.
    pub reveal_top: bool,
    /// A word on the last key, shown in the footer until the next one: a key
    /// that acts only on the other page says so rather than doing nothing.
    pub notice: Option<&'static str>,
    pub help: bool,
    /// The registered providers, as they describe themselves: what their
    /// tiles show, and where they look (said when nothing was found).
    pub providers: Vec<About>,
    /// Which costs the views show.
    pub cost: CostMode,
    /// `Some(period)` when the live view cannot hear of file changes and
    /// re-reads every `period` instead (the header says so).
    pub polling: Option<Duration>,
}

/// The body rows the last drawing showed, and the scroll positions it
/// allowed: on the dashboard, those that keep the selected tile in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    /// Body rows on the screen.
    pub rows: u16,
    /// The least and the most `scroll` may be.
    pub range: (u16, u16),
}

impl Default for Viewport {
    /// Nothing drawn yet: no bound known.
    fn default() -> Self {
        Viewport {
            rows: 0,
            range: (0, u16::MAX),
        }
    }
}

/// What `w` says on the dashboard.
pub const WINDOW_ELSEWHERE: &str = "w: window — on the analytics page";
/// What `h`/`l` say on the analytics page.
pub const TILES_ELSEWHERE: &str = "h/l: tiles — on the dashboard";

/// What the loop around the views must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    None,
    Quit,
    Refresh,
}

impl App {
    pub fn new(page: Page) -> Self {
        App {
            page,
            window: Window::Days30,
            snapshots: None,
            data: 0,
            loading: Loading::Idle,
            selected: 0,
            scroll: 0,
            viewport: Viewport::default(),
            reveal_top: false,
            notice: None,
            help: false,
            providers: Vec::new(),
            cost: CostMode::Auto,
            polling: None,
        }
    }

    /// The same app, knowing the registered `providers`.
    pub fn with_providers(self, providers: Vec<About>) -> Self {
        App { providers, ..self }
    }

    /// The same app, showing costs in `cost` mode.
    pub fn with_cost(self, cost: CostMode) -> Self {
        App { cost, ..self }
    }

    /// What the tiles of `provider_id`'s accounts show (the common rows
    /// only, for a provider the app was not told about).
    pub fn tile_spec(&self, provider_id: &str) -> TileSpec {
        self.providers
            .iter()
            .find(|p| p.id == provider_id)
            .map(|p| p.tile)
            .unwrap_or_default()
    }

    /// An app already showing `snapshots` (for `--once` and tests).
    pub fn with_snapshots(page: Page, snapshots: Vec<Snapshot>) -> Self {
        App {
            snapshots: Some(snapshots),
            ..App::new(page)
        }
    }

    /// The snapshots shown; `None` until the first collection finishes.
    pub fn snapshots(&self) -> Option<&[Snapshot]> {
        self.snapshots.as_deref()
    }

    /// Shows `snapshots` from now on, keeping the selection within them.
    pub fn set_snapshots(&mut self, snapshots: Vec<Snapshot>) {
        self.snapshots = Some(snapshots);
        self.data = self.data.wrapping_add(1);
        self.selected = self.selected.min(self.tile_count().saturating_sub(1));
    }

    /// Changes whenever the snapshots do (see [`App::set_snapshots`]).
    pub fn data_version(&self) -> u64 {
        self.data
    }

    pub fn tile_count(&self) -> usize {
        self.snapshots.as_ref().map_or(0, Vec::len)
    }

    /// Applies a key press.
    pub fn on_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Action::Quit;
        }
        self.notice = None;
        if self.help {
            // Any key closes the help, `q` too: it does nothing else.
            self.help = false;
            return Action::None;
        }
        let dashboard = self.page == Page::Dashboard;
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Action::Quit,
            KeyCode::Char('r') => return Action::Refresh,
            KeyCode::Tab | KeyCode::BackTab => self.switch_page(),
            KeyCode::Char('w') if dashboard => self.notice = Some(WINDOW_ELSEWHERE),
            KeyCode::Char('w') => self.window = self.window.next(),
            KeyCode::Char('?') => self.help = true,
            KeyCode::Down | KeyCode::Char('j') => self.step(1),
            KeyCode::Up | KeyCode::Char('k') => self.step(-1),
            KeyCode::Right | KeyCode::Char('l') if dashboard => self.select(1),
            KeyCode::Left | KeyCode::Char('h') if dashboard => self.select(-1),
            KeyCode::Right | KeyCode::Left | KeyCode::Char('l' | 'h') => {
                self.notice = Some(TILES_ELSEWHERE);
            }
            KeyCode::PageDown => self.page_down(),
            KeyCode::PageUp => self.page_up(),
            KeyCode::Home | KeyCode::Char('g') => {
                self.scroll = 0;
                self.selected = 0;
                self.reveal_top = true;
            }
            _ => {}
        }
        Action::None
    }

    /// A page down: within the selected tile (or the analytics page) as far
    /// as its end; at the end of a tile, the next tile.
    fn page_down(&mut self) {
        let (_, last) = self.viewport.range;
        if self.scroll >= last && self.page == Page::Dashboard {
            self.select(1);
        } else {
            self.scroll = self.scroll.saturating_add(self.page_rows()).min(last);
        }
    }

    /// A page up: within the selected tile as far as its top; at its top,
    /// the previous tile (shown from its end, as reading back up).
    fn page_up(&mut self) {
        let (first, _) = self.viewport.range;
        if self.scroll <= first && self.page == Page::Dashboard {
            self.selected = self.selected.saturating_sub(1);
        } else {
            self.scroll = self.scroll.saturating_sub(self.page_rows()).max(first);
        }
    }

    /// Rows a page moves: a screenful, less one row kept for context.
    fn page_rows(&self) -> u16 {
        self.viewport.rows.saturating_sub(1).max(1)
    }

    fn switch_page(&mut self) {
        self.page = match self.page {
            Page::Dashboard => Page::Analytics,
            Page::Analytics => Page::Dashboard,
        };
        self.scroll = 0;
    }

    /// Down/up: the next tile on the dashboard, one row on analytics.
    fn step(&mut self, by: i32) {
        match self.page {
            Page::Dashboard => self.select(by),
            Page::Analytics if by > 0 => {
                self.scroll = self.scroll.saturating_add(1).min(self.viewport.range.1);
            }
            Page::Analytics => self.scroll = self.scroll.saturating_sub(1),
        }
    }

    fn select(&mut self, by: i32) {
        let last = self.tile_count().saturating_sub(1);
        let selected = if by > 0 {
            (self.selected + 1).min(last)
        } else {
            self.selected.saturating_sub(1)
        };
        self.reveal_top |= selected != self.selected;
        self.selected = selected;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use openusage_core::Status;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn app_with_tiles(n: usize) -> App {
        let snap = Snapshot::new("pi", "pi", DateTime::UNIX_EPOCH, Status::Ok, "");
        App::with_snapshots(Page::Dashboard, vec![snap; n])
    }

    #[test]
    fn q_and_esc_quit_and_r_refreshes() {
        let mut app = app_with_tiles(1);
        assert_eq!(app.on_key(key(KeyCode::Char('q'))), Action::Quit);
        assert_eq!(app.on_key(key(KeyCode::Esc)), Action::Quit);
        assert_eq!(app.on_key(key(KeyCode::Char('r'))), Action::Refresh);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(app.on_key(ctrl_c), Action::Quit);
    }

    #[test]
    fn tab_switches_pages_and_w_cycles_windows() {
        let mut app = app_with_tiles(1);
        app.on_key(key(KeyCode::Tab));
        assert_eq!(app.page, Page::Analytics);
        app.on_key(key(KeyCode::Tab));
        assert_eq!(app.page, Page::Dashboard);
        app.on_key(key(KeyCode::Tab));
        let seen: Vec<_> = (0..4)
            .map(|_| {
                app.on_key(key(KeyCode::Char('w')));
                app.window.label()
            })
            .collect();
        assert_eq!(seen, ["90d", "all", "7d", "30d"]);
    }

    #[test]
    fn movement_selects_tiles_within_bounds_and_scrolls_analytics() {
        let mut app = app_with_tiles(3);
        app.on_key(key(KeyCode::Char('j')));
        app.on_key(key(KeyCode::Down));
        app.on_key(key(KeyCode::Down));
        assert_eq!(app.selected, 2);
        app.on_key(key(KeyCode::Char('k')));
        assert_eq!(app.selected, 1);
        app.on_key(key(KeyCode::Tab));
        app.on_key(key(KeyCode::Char('j')));
        app.on_key(key(KeyCode::Char('j')));
        app.on_key(key(KeyCode::Up));
        assert_eq!(app.scroll, 1);
    }

    #[test]
    fn help_opens_with_question_mark_and_any_key_closes_it() {
        for close in [KeyCode::Esc, KeyCode::Char('q'), KeyCode::Char('r')] {
            let mut app = app_with_tiles(1);
            app.on_key(key(KeyCode::Char('?')));
            assert!(app.help);
            assert_eq!(
                app.on_key(key(close)),
                Action::None,
                "{close:?} only closes"
            );
            assert!(!app.help);
        }
    }

    #[test]
    fn keys_of_the_other_page_say_so_and_change_nothing() {
        let mut app = app_with_tiles(2);
        app.on_key(key(KeyCode::Char('w')));
        assert_eq!(app.notice, Some(WINDOW_ELSEWHERE));
        assert_eq!(
            app.window,
            Window::Days30,
            "the window is the analytics page's"
        );
        app.on_key(key(KeyCode::Char('j')));
        assert_eq!(app.notice, None, "the next key clears the word");
        app.on_key(key(KeyCode::Tab));
        app.on_key(key(KeyCode::Char('l')));
        assert_eq!(app.notice, Some(TILES_ELSEWHERE));
        assert_eq!(app.selected, 1);
    }

    #[test]
    fn paging_stays_within_the_range_drawn_then_moves_to_the_next_tile() {
        let mut app = app_with_tiles(2);
        app.viewport = Viewport {
            rows: 20,
            range: (0, 25),
        };
        app.on_key(key(KeyCode::PageDown));
        assert_eq!(app.scroll, 19, "a screenful less one row");
        app.on_key(key(KeyCode::PageDown));
        assert_eq!((app.scroll, app.selected), (25, 0), "clamped to the tile");
        app.on_key(key(KeyCode::PageDown));
        assert_eq!(app.selected, 1, "past its end: the next tile");
        assert!(app.reveal_top);
        app.viewport.range = (30, 40);
        app.scroll = 30;
        app.on_key(key(KeyCode::PageUp));
        assert_eq!(app.selected, 0, "past its top: the previous tile");
    }
}

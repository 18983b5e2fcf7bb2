//! openusage-html: the usage of a range as one self-contained HTML page
//! (`openusage report html`), made to be opened in any browser, printed or
//! attached to a message.
//!
//! The page holds summary cards (sessions, requests, tokens by bucket, the
//! cost recorded and estimated, each said as such), a calendar heatmap of
//! tokens per day, tokens and cost per period as bars stacked by model
//! (the top five named, the rest grouped), tables per model, project and
//! agent with their shares, the latest sessions, the limit readings and the active 5-hour
//! blocks. Every chart has a table beside it (in a `<details>`), so the
//! numbers can be read by a screen reader and copied.
//!
//! **One counting.** The numbers are the reports' ([`openusage_core::report`],
//! [`openusage_core::blocks`]) over the same ledgers and range: the page
//! only lays them out. The host collects and passes an [`Input`].
//!
//! **Self-contained and inert.** Inline CSS and SVG only: no script, no
//! font, image or link that fetches anything (the one URL is the SVG
//! namespace). Light or dark by `prefers-color-scheme`; `@media print` is
//! light, with charts within an A4 page's width. Every string from outside
//! goes through [`escape`].
//!
//! **Hand-written SVG.** The charts are rectangles, lines and labels, a
//! few dozen lines each. `plotters` (SVG backend, no default features)
//! would draw them too, but it writes fixed colours into the SVG where the
//! page wants CSS classes (for dark mode and print), and its text layout
//! without a font crate places labels by guesswork; it would add a
//! dependency for less control.
//!
//! **Bounded.** The charts cover at most the last ten calendar years of
//! the range (days before are in the tables) with at most about 160 bars;
//! tables of models, projects and agents name 50 rows and group the rest;
//! a name is cut at 200 characters. A year of heavy use makes a page of a
//! few hundred kilobytes.

mod bars;
mod escape;
mod heatmap;
mod live;
mod numbers;
mod page;
mod tables;

pub use escape::escape;
pub use page::{Input, render};

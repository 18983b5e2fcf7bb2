//! The lines around the page: the header (where you are, how fresh the
//! numbers are and in which time zone) and the footer (the keys).

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use openusage_core::humanize::{files_of, plural};

use crate::state::{App, Loading, Page};

/// The top line: where you are and how fresh the numbers are, in which
/// time zone. On a narrow screen the account count goes first, then the
/// date, the progress and the program's name: the page and the zone stay.
pub fn header(app: &App, width: u16) -> Line<'static> {
    let page = match app.page {
        Page::Dashboard => "Dashboard".to_owned(),
        Page::Analytics => format!("Analytics · window {}", app.window.label()),
    };
    let brand = Span::styled("openusage", Style::new().add_modifier(Modifier::BOLD));
    let after = Span::raw(format!(" · {page}"));
    let page = Span::raw(page);
    let refreshing = match (app.loading, app.snapshots()) {
        (Loading::Reading { files, found }, Some(_)) => Some(Span::styled(
            format!(" · refreshing ({})", files_of(files, found)),
            Style::new().fg(Color::Yellow),
        )),
        _ => None,
    };
    // Said while room allows: changes show only at the next poll.
    let polling = app.polling.map(|every| {
        Span::styled(
            format!(" · polling every {}", period(every)),
            Style::new().fg(Color::Yellow),
        )
    });
    let snapshots = app.snapshots().unwrap_or_default();
    let accounts = app.snapshots().map(|s| {
        Span::raw(format!(
            " · {}",
            plural(s.len() as u64, "account", "accounts")
        ))
    });
    let latest = snapshots.iter().max_by_key(|s| s.timestamp);
    let as_of = |full: bool| {
        latest.map(|s| {
            let zone = s.zone();
            let clock = zone.wall_clock(s.timestamp);
            let text = match (full, clock.split_once(' ')) {
                (false, Some((_, time))) => format!(" · {time} {zone}"),
                _ => format!(" · as of {clock} {zone}"),
            };
            Span::styled(text, Style::new().fg(Color::Gray))
        })
    };
    let zone =
        latest.map(|s| Span::styled(format!(" · {}", s.zone()), Style::new().fg(Color::Gray)));
    let forms = [
        vec![
            Some(brand.clone()),
            Some(after.clone()),
            refreshing.clone(),
            polling.clone(),
            accounts.clone(),
            as_of(true),
        ],
        vec![
            Some(brand.clone()),
            Some(after.clone()),
            refreshing.clone(),
            polling,
            as_of(true),
        ],
        vec![
            Some(brand.clone()),
            Some(after.clone()),
            refreshing.clone(),
            accounts,
            as_of(true),
        ],
        vec![
            Some(brand.clone()),
            Some(after.clone()),
            refreshing.clone(),
            as_of(true),
        ],
        vec![
            Some(brand.clone()),
            Some(after.clone()),
            refreshing,
            as_of(false),
        ],
        vec![Some(brand), Some(after), as_of(false)],
        vec![Some(page.clone()), as_of(false)],
        vec![Some(page), zone],
    ];
    let forms: Vec<Vec<Span<'static>>> = forms
        .into_iter()
        .map(|f| f.into_iter().flatten().collect())
        .collect();
    let fits = |spans: &Vec<Span<'static>>| {
        spans.iter().map(Span::width).sum::<usize>() <= usize::from(width)
    };
    let chosen = forms.iter().position(fits).unwrap_or(forms.len() - 1);
    Line::from(forms[chosen].clone())
}

/// `45 s`, `5 min`, `90 min`: whole minutes as minutes.
fn period(every: std::time::Duration) -> String {
    let secs = every.as_secs();
    match secs % 60 {
        0 if secs > 0 => format!("{} min", secs / 60),
        _ => format!("{secs} s"),
    }
}

/// The bottom line: the keys of this page, in as many words as `width`
/// allows; after a key that acts on the other page, what it does there.
pub fn footer(app: &App, width: u16) -> Line<'static> {
    if let Some(notice) = app.notice {
        return Line::from(Span::styled(notice, Style::new().fg(Color::Yellow)));
    }
    let variants = match app.page {
        Page::Dashboard => [
            "q quit · r refresh · Tab analytics · j/k tile · PgDn/PgUp scroll · ? help",
            "q quit · r refresh · Tab page · j/k tile · ? help",
            "q quit · ? help",
        ],
        Page::Analytics => [
            "q quit · r refresh · Tab dashboard · w window · j/k scroll · ? help",
            "q quit · r refresh · Tab page · w window · ? help",
            "q quit · ? help",
        ],
    };
    let text = variants
        .iter()
        .find(|v| v.chars().count() <= usize::from(width))
        .unwrap_or(&variants[2]);
    Line::from(Span::styled(*text, Style::new().fg(Color::Gray)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn text(line: &Line<'_>) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_view_that_polls_says_so_while_there_is_room() {
        let mut app = App::new(Page::Dashboard);
        assert_eq!(text(&header(&app, 100)), "openusage · Dashboard");
        app.polling = Some(Duration::from_secs(300));
        assert_eq!(
            text(&header(&app, 100)),
            "openusage · Dashboard · polling every 5 min"
        );
        app.polling = Some(Duration::from_secs(45));
        assert_eq!(
            text(&header(&app, 100)),
            "openusage · Dashboard · polling every 45 s"
        );
        // Too narrow: the word goes first.
        assert_eq!(text(&header(&app, 30)), "openusage · Dashboard");
    }
}

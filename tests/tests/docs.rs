//! The pictures in docs/usage.md and the README are what the program prints: each block
//! marked `<!-- capture: ARGS -->` is compared with `openusage ARGS` run on
//! the bundled demo data. After a change to what the program prints, review
//! the difference, then `UPDATE_CAPTURES=1 cargo test -p openusage-e2e --test
//! docs` writes the new pictures into the pages (the test still fails once,
//! so that an update is never silent).

use openusage_e2e::{fixture, openusage, run, workspace};

/// What `openusage ARGS` prints on the demo data at the pinned time.
fn capture(args: &str) -> String {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(openusage(home.path())
        .arg("--config")
        .arg(fixture("demo/settings.json"))
        .args(["--now", "2026-11-20T12:00:00Z"])
        .args(args.split_whitespace()));
    assert_eq!(code, 0, "{args}: {err}");
    out
}

/// Checks every capture of the page at `relative` (expected: `count`);
/// with `UPDATE_CAPTURES` set, rewrites the stale ones and fails once.
fn captures_are_true(relative: &str, count: usize) {
    let path = workspace().join(relative);
    let doc = std::fs::read_to_string(&path).unwrap();
    let mut updated = String::new();
    let mut stale = Vec::new();
    let mut blocks = doc.split("<!-- capture: ");
    updated.push_str(blocks.next().unwrap());
    let mut checked = 0;
    for block in blocks {
        let (args, rest) = block.split_once(" -->").unwrap();
        let (before, after_fence) = rest.split_once("```text\n").unwrap();
        let (body, tail) = after_fence.split_once("```").unwrap();
        let out = capture(args);
        if out != body {
            stale.push(args.to_owned());
        }
        updated.push_str(&format!(
            "<!-- capture: {args} -->{before}```text\n{out}```{tail}"
        ));
        checked += 1;
    }
    assert_eq!(checked, count, "{relative}: captures");
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_CAPTURES").is_some() {
        std::fs::write(&path, &updated).unwrap();
        panic!("{relative}: captures {stale:?} rewritten; review the difference");
    }
    for args in &stale {
        let body = doc
            .split(&format!("<!-- capture: {args} -->"))
            .nth(1)
            .and_then(|r| r.split_once("```text\n"))
            .and_then(|(_, r)| r.split_once("```"))
            .map(|(b, _)| b)
            .unwrap_or_default();
        pretty_assertions::assert_eq!(
            capture(args),
            body,
            "{relative} capture `{args}` is out of date (UPDATE_CAPTURES=1 rewrites it)"
        );
    }
}

#[test]
fn the_usage_page_shows_what_the_program_prints() {
    // The dashboard, analytics, six report captures (one fitted to 80
    // columns) and the blocks.
    captures_are_true("docs/usage.md", 10);
}

#[test]
fn the_readme_shows_what_the_program_prints() {
    captures_are_true("README.md", 1);
}

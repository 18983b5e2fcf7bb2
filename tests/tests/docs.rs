//! The pictures in docs/usage.md are what the program prints: each block
//! marked `<!-- capture: ARGS -->` is compared with `openusage ARGS` run on
//! the bundled demo data.

use openusage_e2e::{fixture, openusage, run, workspace};

#[test]
fn the_usage_page_shows_what_the_program_prints() {
    let doc = std::fs::read_to_string(workspace().join("docs/usage.md")).unwrap();
    let mut checked = 0;
    for block in doc.split("<!-- capture: ").skip(1) {
        let (args, rest) = block.split_once(" -->").unwrap();
        let body = rest
            .split_once("```text\n")
            .unwrap()
            .1
            .split_once("```")
            .unwrap()
            .0;
        let home = tempfile::tempdir().unwrap();
        let (code, out, err) = run(openusage(home.path())
            .arg("--config")
            .arg(fixture("demo/settings.json"))
            .args(["--now", "2026-11-20T12:00:00Z"])
            .args(args.split_whitespace()));
        assert_eq!(code, 0, "{args}: {err}");
        pretty_assertions::assert_eq!(out, body, "docs/usage.md capture `{args}` is out of date");
        checked += 1;
    }
    assert_eq!(
        checked, 6,
        "the dashboard, analytics and four report captures"
    );
}

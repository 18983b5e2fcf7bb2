//! `openusage snapshot --json --provider pi` on the Pi fixture home must
//! print exactly the hand-checked document in fixtures/pi/expected (see
//! fixtures/pi/EXPECTED.md for where every number comes from).

use openusage_e2e::{fixture, json_diff, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

#[test]
fn the_pi_fixture_home_gives_the_hand_checked_snapshot() {
    let home = fixture("pi/home");
    let (code, out, err) =
        run(openusage(&home).args(["--now", NOW, "snapshot", "--json", "--provider", "pi"]));
    assert_eq!(code, 0, "{err}");
    let actual: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("pi/expected/snapshot-pi.json")).unwrap(),
    )
    .unwrap();
    if let Some(difference) = json_diff(&actual, &expected) {
        panic!(
            "snapshot differs from fixtures/pi/expected/snapshot-pi.json: {difference}\n\nactual:\n{out}"
        );
    }
}

#[test]
fn without_provider_the_detected_pi_account_gives_the_same_snapshot() {
    let home = fixture("pi/home");
    let (_, all, _) = run(openusage(&home).args(["--now", NOW, "snapshot", "--json"]));
    let (_, only_pi, _) =
        run(openusage(&home).args(["--now", NOW, "snapshot", "--json", "--provider", "pi"]));
    assert_eq!(all, only_pi);
}

#[test]
fn the_summary_line_matches_the_json_message() {
    let home = fixture("pi/home");
    let (code, out, _) = run(openusage(&home).args(["--now", NOW, "snapshot"]));
    assert_eq!(code, 0);
    assert_eq!(
        out.lines()
            .nth(1)
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec![
            "pi",
            "pi",
            "ok",
            "23",
            "sessions,",
            "969K",
            "tokens,",
            "$2.67"
        ])
    );
}

//! `openusage report --width N` and `--compact` on the demo data: which
//! columns remain is derived by hand from the drop order in docs/usage.md
//! (PROVIDER, TITLE, CACHE WRITE, CACHE READ, INPUT and OUTPUT, FIRST
//! ACTIVITY, TURNS or SESSIONS, AGENT, WORKSPACE) and the widths of the
//! demo's cells. The demo's sessions have no title, and their provider is
//! their agent: the compact layout drops both with the cache columns.

use openusage_e2e::{fixture, openusage, run};

fn report(args: &[&str]) -> String {
    let (code, out, err) = run(openusage(&fixture("demo"))
        .arg("--config")
        .arg(fixture("demo/settings.json"))
        .args(["--no-cache", "--now", "2026-11-20T12:00:00Z", "report"])
        .args(args));
    assert_eq!(code, 0, "{err}");
    out
}

/// The lines of the table: from the header to the TOTAL row.
fn table(out: &str) -> Vec<&str> {
    out.lines()
        .skip_while(|l| !l.starts_with("LAST ACTIVITY"))
        .collect()
}

// The session table from 2026-11-19, cell by cell (PROVIDER and TITLE are
// gone in the compact layout): LAST ACTIVITY 18 wide
// ("TOTAL (5 sessions)"), FIRST ACTIVITY 16, AGENT 5, SESSION 9 (the five
// ids share "01a1f" and two "01a1f8", so 8 characters and `…`), WORKSPACE
// 11 ("ml-pipeline"), TURNS 5, INPUT 7, OUTPUT 6, TOTAL 9, COST 5; two
// spaces between columns.

#[test]
fn at_80_columns_the_cache_input_output_and_first_activity_columns_go() {
    // Compact below 100: 18+16+5+9+11+5+7+6+9+5 + 9×2 = 109 > 80; without
    // INPUT and OUTPUT 92 > 80; without FIRST ACTIVITY 74 ≤ 80.
    let out = report(&["session", "--since", "2026-11-19", "--width", "80"]);
    let lines = table(&out);
    assert_eq!(
        lines[0],
        "LAST ACTIVITY       AGENT  SESSION    WORKSPACE    TURNS      TOTAL   COST"
    );
    // An Oh My Pi session: its file opens with Oh My Pi's title record
    // (fixtures/demo/sessions/-code-ml-pipeline/…_01a1f86b-….jsonl).
    assert_eq!(
        lines[1],
        "2026-11-20 10:15    omp    01a1f86b…  ml-pipeline     22    765,548  $0.55"
    );
    assert_eq!(
        lines[6],
        "TOTAL (5 sessions)                                    83  2,480,788  $2.23"
    );
}

#[test]
fn at_60_columns_turns_and_agent_go_too() {
    // 74 > 60; without TURNS 67 > 60; without AGENT 18+9+11+9+5 + 4×2 = 60.
    let out = report(&["session", "--since", "2026-11-19", "--width", "60"]);
    let lines = table(&out);
    assert_eq!(
        lines[0],
        "LAST ACTIVITY       SESSION    WORKSPACE        TOTAL   COST"
    );
    assert_eq!(
        lines[1],
        "2026-11-20 10:15    01a1f86b…  ml-pipeline    765,548  $0.55"
    );
    assert_eq!(
        lines[6],
        "TOTAL (5 sessions)                          2,480,788  $2.23"
    );
}

#[test]
fn compact_drops_the_cache_columns_and_shortens_ids_at_any_width() {
    let out = report(&["session", "--since", "2026-11-19", "--compact"]);
    assert_eq!(
        table(&out)[0],
        "LAST ACTIVITY       FIRST ACTIVITY    AGENT  SESSION    WORKSPACE    TURNS    INPUT  OUTPUT      TOTAL   COST"
    );
    assert!(out.contains(" 01a1f86b…  "), "{out}");
}

#[test]
fn piped_without_width_the_table_is_the_full_one() {
    let out = report(&["session", "--since", "2026-11-19"]);
    assert!(table(&out)[0].contains("CACHE READ  CACHE WRITE"), "{out}");
    assert!(
        out.contains(" 01a1f86b-05e0-7539-8f5f-037d3936e476 "),
        "{out}"
    );
    // Wide enough (the full table is 203 columns with its titles), the
    // full table is kept.
    let wide = report(&["session", "--since", "2026-11-19", "--width", "203"]);
    assert_eq!(wide, out);
}

#[test]
fn json_is_the_same_whatever_the_width() {
    let plain = report(&["daily", "--json"]);
    assert_eq!(report(&["daily", "--json", "--width", "40"]), plain);
    assert_eq!(report(&["daily", "--json", "--compact"]), plain);
}

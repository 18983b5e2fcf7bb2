//! Every report (projects too), on the demo and the Pi fixture, fits every width from 40
//! to 160 columns, with and without `--breakdown`: each line's display
//! width is at most the width asked for. The data is collected once per
//! fixture; each width is one rendering of it.

use std::path::{Path, PathBuf};

use clap::Parser;
use openusage_core::Env;
use openusage_tui::text::width;

use super::{Later, collect_once, context, report};
use crate::cli::{Cli, Command, Report};
use crate::providers;
use crate::terminal::fit_lines;

const NOW: &str = "2026-11-20T12:00:00Z";

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn cli(global: &[&str], report: &[&str]) -> Cli {
    let base = ["openusage", "--no-cache", "--now", NOW];
    let args = base.iter().chain(global).chain(&["report"]).chain(report);
    Cli::try_parse_from(args).unwrap()
}

fn report_args(cli: &Cli) -> &Report {
    match &cli.command {
        Some(Command::Report(r)) => r,
        other => panic!("not a report: {other:?}"),
    }
}

fn every_line_fits(home: &Path, global: &[&str]) {
    let env = Env::new(home);
    let later = Later::default();
    let base = cli(global, &["daily"]);
    let ctx = context(providers::registry(), &base, &env, &later).unwrap();
    let collected = collect_once(&ctx, ctx.accounts().unwrap());
    assert!(!collected.is_empty());
    for kind in ["daily", "weekly", "monthly", "session", "project"] {
        for breakdown in [&[][..], &["--breakdown"][..]] {
            let piped = cli(global, &[&[kind][..], breakdown].concat());
            let full = report::render(&ctx, report_args(&piped), &collected, None)
                .unwrap()
                .text;
            assert!(full.contains("\nTOTAL"), "{full}");
            let full_width = full.lines().map(width).max().unwrap();
            for columns in 40..=160 {
                let w = columns.to_string();
                let args = [&[kind, "--width", &w][..], breakdown].concat();
                let cli = cli(global, &args);
                let out = report::render(&ctx, report_args(&cli), &collected, None)
                    .unwrap()
                    .text;
                for line in out.lines() {
                    assert!(width(line) <= columns, "{args:?}: {line:?}\n{out}");
                }
                // The full table stays while it fits, from 100 columns.
                if columns >= full_width.max(100) {
                    assert_eq!(out, fit_lines(&full, columns), "{args:?}");
                }
            }
        }
    }
}

#[test]
fn every_report_of_the_demo_fits_every_width() {
    let settings = fixture("demo/settings.json");
    let home = tempfile::tempdir().unwrap();
    every_line_fits(home.path(), &["--config", settings.to_str().unwrap()]);
}

#[test]
fn every_report_of_the_pi_fixture_fits_every_width() {
    every_line_fits(&fixture("pi/home"), &[]);
}

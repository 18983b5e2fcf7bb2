//! The house rules of docs/architecture.md, checked on the source so that
//! every later change keeps them:
//!
//! - no shipped crate holds more than 30% of the shipped production code;
//! - no module of a shipped crate imports one that imports it back (at the
//!   level of a crate's top modules);
//! - every provider crate writes its own `impl Provider`;
//! - the host (the binary and the TUI) names no provider outside tests,
//!   except the one place that registers them.
//!
//! "Production code" is a crate's `src/` without test files (`tests.rs`,
//! `*_tests.rs`) and without the `#[cfg(test)] mod … { … }` block that ends
//! a file; blank lines do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use openusage_e2e::workspace as repo_root;

/// Crates under `crates/` that are tools, not part of what ships.
const NOT_SHIPPED: &[&str] = &["corpus-gen", "fuzz"];

fn shipped_crates() -> Vec<(String, PathBuf)> {
    let mut crates: Vec<(String, PathBuf)> = fs::read_dir(repo_root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("src").is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .filter(|(name, _)| !NOT_SHIPPED.contains(&name.as_str()))
        .collect();
    crates.sort();
    crates
}

/// Every `.rs` file under `dir`, depth first, in name order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut files = Vec::new();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// The production lines of a file: up to its test module, if any.
fn production(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| {
            w[0].starts_with("#[cfg(test)]")
                && w[1].starts_with("mod ")
                && !w[1].trim_end().ends_with(';')
        })
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

/// Production files of a crate, with their production lines.
fn production_files(krate: &Path) -> Vec<(PathBuf, String)> {
    rust_files(&krate.join("src"))
        .into_iter()
        .filter(|p| !is_test_file(p))
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let kept = production(&text).join("\n");
            (p, kept)
        })
        .collect()
}

#[test]
fn no_shipped_crate_holds_more_than_30_percent_of_the_shipped_code() {
    let sizes: Vec<(String, usize)> = shipped_crates()
        .into_iter()
        .map(|(name, path)| {
            let lines = production_files(&path)
                .iter()
                .map(|(_, text)| text.lines().filter(|l| !l.trim().is_empty()).count())
                .sum();
            (name, lines)
        })
        .collect();
    let total: usize = sizes.iter().map(|(_, n)| n).sum();
    assert!(total > 5_000, "the count found too little code: {sizes:?}");
    for (name, lines) in &sizes {
        let share = *lines as f64 / total as f64;
        assert!(
            share <= 0.30,
            "{name} holds {lines} of {total} production lines ({:.1}%): split it by job",
            share * 100.0
        );
    }
}

/// The top module of the crate a file belongs to: `cache` for
/// `src/cache.rs` and `src/cache/disk.rs`; `""` for `lib.rs`/`main.rs`.
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    let first = first.trim_end_matches(".rs");
    match first {
        "lib" | "main" => String::new(),
        name => name.to_owned(),
    }
}

/// The crate's top modules each top module names through `crate::`.
fn module_graph(krate: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = krate.join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, text) in production_files(krate) {
        // A doc link is no import: comments are left out.
        let text = code(&text);
        let from = top_module(&src, &file);
        let uses = graph.entry(from.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // `openusage_core::` and the like
            }
            let name: String = text[i + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !name.is_empty() && name != from {
                uses.insert(name);
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for uses in graph.values_mut() {
        uses.retain(|m| modules.contains(m));
    }
    graph
}

/// A circle through `start`, when there is one.
fn circle_through(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                let mut circle = path.clone();
                circle.push(next.clone());
                return Some(circle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_of_a_shipped_crate_imports_one_that_imports_it_back() {
    let mut circles = Vec::new();
    for (name, path) in shipped_crates() {
        let graph = module_graph(&path);
        for module in graph.keys().filter(|m| !m.is_empty()) {
            if let Some(circle) = circle_through(&graph, module) {
                circles.push(format!("{name}: {}", circle.join(" -> ")));
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_finder_finds_a_circle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_owned(), uses.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        circle_through(&graph, "a").unwrap(),
        ["a", "b", "c", "a"].map(str::to_owned)
    );
    assert_eq!(circle_through(&graph, "d"), None);
}

#[test]
fn every_provider_crate_writes_its_own_impl_provider() {
    let providers: Vec<(String, PathBuf)> = shipped_crates()
        .into_iter()
        .filter(|(name, _)| name.ends_with("-provider"))
        .collect();
    assert!(providers.len() >= 3, "{providers:?}");
    for (name, path) in providers {
        let has_impl = production_files(&path)
            .iter()
            .any(|(_, text)| text.contains("impl Provider for "));
        assert!(has_impl, "{name} has no `impl Provider for` of its own");
    }
}

/// Words that name a provider (in code; comments aside).
const PROVIDER_WORDS: &[&str] = &["codex", "claude", "omp", "\"pi\"", "~/.pi", "pi_provider"];

/// The code of `text` without its comments (`//` to the end of a line).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_host_names_no_provider_outside_the_registration() {
    let root = repo_root();
    let host: Vec<PathBuf> = ["crates/openusage-tui", "crates/openusage"]
        .iter()
        .map(|c| root.join(c))
        .collect();
    let registration = root.join("crates/openusage/src/providers.rs");
    let report = root.join("crates/openusage-core/src/report.rs");
    let mut found = Vec::new();
    let files = host
        .iter()
        .flat_map(|c| production_files(c))
        .chain(
            production_files(&root.join("crates/openusage-core"))
                .into_iter()
                .filter(|(p, _)| *p == report),
        )
        .filter(|(p, _)| *p != registration);
    for (path, text) in files {
        let code = code(&text).to_lowercase();
        for word in PROVIDER_WORDS {
            let named = code.match_indices(word).any(|(i, _)| {
                // A word, not part of one (`compose` is no `omp`).
                let before = code[..i].chars().next_back();
                let after = code[i + word.len()..].chars().next();
                let inside = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                !inside(before) && !inside(after)
            });
            if named {
                found.push(format!("{}: {word}", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the host names providers:\n{}",
        found.join("\n")
    );
}

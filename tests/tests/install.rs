//! The install story: the README's install command names the package that
//! builds the binary, completions and the man page come from the command
//! definition, `--help` wraps at the terminal's width and lists what a flag
//! takes, and `detect --json` says its schema version first.

use std::fs;

use openusage_e2e::{openusage, run, workspace};

/// `openusage ARGS` in an empty home; fails unless it exits 0.
fn out(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(openusage(home.path()).args(args));
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// The `key = "value"` lines of the `[section]` of a Cargo manifest.
fn section(manifest: &str, name: &str) -> Vec<String> {
    let header = format!("[{name}]");
    manifest
        .lines()
        .skip_while(|l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn the_readme_installs_the_package_that_builds_the_openusage_binary() {
    let root = workspace();
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("cargo install --locked --path crates/openusage\n"),
        "README: the install command"
    );
    let manifest = fs::read_to_string(root.join("crates/openusage/Cargo.toml")).unwrap();
    let package = section(&manifest, "package");
    assert!(
        package.contains(&r#"name = "openusage""#.to_owned()),
        "{package:?}"
    );
    // The binary is the package's own (src/main.rs, named after it): no
    // [[bin]] renames it.
    assert!(root.join("crates/openusage/src/main.rs").is_file());
    assert!(!manifest.contains("[[bin]]"), "{manifest}");
    // The README says why not `cargo install --path .`: the root manifest
    // is a virtual one (a workspace, no package).
    let top = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(top.contains("[workspace]") && !top.contains("[package]\n"));
    assert!(
        readme.contains("virtual manifest"),
        "README: why not --path ."
    );
}

#[test]
fn completions_for_each_shell_name_every_command() {
    let commands = [
        "dashboard",
        "analytics",
        "detect",
        "prices",
        "snapshot",
        "report",
        "daily",
        "weekly",
        "monthly",
        "session",
        "completions",
        "man",
    ];
    for shell in ["bash", "zsh", "fish"] {
        let script = out(&["completions", shell]);
        assert!(script.lines().count() > 20, "{shell}: {script}");
        for command in commands {
            assert!(script.contains(command), "{shell}: {command} missing");
        }
        // The values of --provider and of --order come along.
        assert!(
            script.contains("claude_code") && script.contains("desc"),
            "{shell}"
        );
    }
    assert!(out(&["completions", "bash"]).contains("complete -F _openusage"));
    assert!(out(&["completions", "zsh"]).starts_with("#compdef openusage"));
    assert!(out(&["completions", "fish"]).contains("complete -c openusage"));
}

#[test]
fn completions_and_the_man_page_need_no_settings() {
    let home = tempfile::tempdir().unwrap();
    let settings = home.path().join("broken.json");
    fs::write(&settings, "not json").unwrap();
    for args in [&["completions", "bash"][..], &["man"][..]] {
        let (code, out, err) = run(openusage(home.path())
            .arg("--config")
            .arg(&settings)
            .args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!out.is_empty());
    }
}

#[test]
fn the_man_page_is_one_roff_page_with_every_command_and_its_options() {
    let page = out(&["man"]);
    assert!(page.contains(".TH openusage 1 "), "{page}");
    assert!(page.contains(".SH NAME\nopenusage "), "{page}");
    assert!(page.contains(".SH COMMANDS\n"), "{page}");
    for command in [
        "dashboard",
        "analytics",
        "snapshot",
        "report",
        "daily",
        "session",
        "man",
    ] {
        assert!(
            page.contains(&format!(".SS \"openusage {command}\"\n")),
            "{command}"
        );
    }
    // Options of a command, and the global ones once.
    assert!(page.contains(r"\fB\-\-allow\-partial\fR"), "{page}");
    assert!(page.contains(r"\fB\-z\fR, \fB\-\-timezone\fR"), "{page}");
    assert_eq!(
        page.matches(r"\fB\-\-no\-cache\fR").count(),
        2,
        "synopsis and options"
    );
    // One page: no references to pages `man > openusage.1` does not install.
    assert!(!page.contains("openusage\\-report(1)"), "{page}");
    // The examples of --help, a line each.
    let examples = page.split_once(".SH EXAMPLES\n.nf\n").unwrap().1;
    assert!(examples.starts_with(r"\&  openusage "), "{examples}");
    assert!(
        examples.contains("\n\\&  openusage daily \\-s 20261101 \\-z Europe/Warsaw\n"),
        "{examples}"
    );
    // Every macro line is one roff knows from the man macros.
    for line in page.lines().filter(|l| l.starts_with('.')) {
        let name = line[1..].split_whitespace().next().unwrap_or("");
        assert!(
            [
                "TH", "SH", "SS", "TP", "PP", "IP", "RS", "RE", "br", "ie", "el", "nf", "fi"
            ]
            .contains(&name),
            "{line}"
        );
    }
}

#[test]
fn help_wraps_at_the_terminal_width_up_to_100_columns() {
    let width = |columns: &str, args: &[&str]| {
        let home = tempfile::tempdir().unwrap();
        let (code, out, err) = run(openusage(home.path()).env("COLUMNS", columns).args(args));
        assert_eq!(code, 0, "{err}");
        out.lines().map(|l| l.chars().count()).max().unwrap()
    };
    for args in [
        &["--help"][..],
        &["report", "--help"][..],
        &["analytics", "--help"][..],
    ] {
        assert!(width("60", args) <= 60, "{args:?}");
        let wide = width("200", args);
        assert!((61..=100).contains(&wide), "{args:?}: {wide}");
    }
}

#[test]
fn help_lists_the_providers_and_shows_examples() {
    for command in ["snapshot", "report", "daily", "dashboard", "analytics"] {
        // Words as printed, whatever line they were wrapped onto.
        let help = out(&[command, "--help"])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            help.contains("--provider <ID> Only this provider's accounts")
                && help.contains("[possible values: pi, codex, claude_code]"),
            "{command}: {help}"
        );
    }
    let help = out(&["--help"]);
    let examples = help.split_once("\nExamples:\n").unwrap().1;
    let lines: Vec<&str> = examples.lines().filter(|l| !l.is_empty()).collect();
    assert!((4..=6).contains(&lines.len()), "{examples}");
    assert!(
        lines.iter().all(|l| l.starts_with("  openusage")),
        "{examples}"
    );
    // Each example runs (in an empty home, and printed once: the test's
    // stdout is no terminal), its redirection aside.
    for line in &lines {
        let command = line.split("  ").nth(1).unwrap();
        let args: Vec<&str> = command
            .split_whitespace()
            .skip(1)
            .take_while(|a| *a != ">")
            .collect();
        out(&args);
    }
    // The global options read as global: -z and --cost are listed.
    assert!(help.contains("-z, --timezone <ZONE>") && help.contains("--cost <MODE>"));
}

#[test]
fn detect_json_says_its_schema_version_first() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(openusage(home.path()).args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("{\n  \"schema_version\": 1,\n"), "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        doc["tools"].is_array() && doc["accounts"].is_array(),
        "{doc}"
    );
}

/// The README's install section is reachable from the top: after the two
/// set-up commands (demo and tests), which stay the first two.
#[test]
fn the_readme_keeps_its_two_set_up_commands_first() {
    let readme = fs::read_to_string(workspace().join("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(code, _)| code))
        .collect();
    assert!(blocks[0].starts_with("cargo run --release -- --config fixtures/demo/settings.json"));
    assert_eq!(blocks[1], "cargo test --workspace\n");
    let install = readme.find("## Install").unwrap();
    assert!(readme.find("cargo test --workspace").unwrap() < install);
}

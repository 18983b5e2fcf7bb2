//! The persistent cache: a second run starts warm and prints the same
//! numbers; a broken or foreign cache is ignored; `--no-cache` keeps
//! nothing; the cache holds derived numbers, never transcript text; a cache
//! that cannot be read or written costs speed, never the output.

use std::fs;
use std::path::{Path, PathBuf};

use openusage_e2e::{cache_home, copy_tree, fixture, openusage, run};

const NOW: &str = "2026-11-20T12:00:00Z";

fn snapshot(home: &Path, extra: &[&str]) -> String {
    let (code, out, err) = run(openusage(home)
        .args(["--now", NOW, "snapshot", "--json"])
        .args(extra));
    assert_eq!(code, 0, "{err}");
    out
}

/// The readings files in the cache directory (each account's; see
/// [`counting_files`] for the countings kept beside them).
fn cache_files(home: &Path) -> Vec<PathBuf> {
    every_file(home)
        .into_iter()
        .filter(|f| !is_counting(f))
        .collect()
}

/// The kept countings in the cache directory (`*.counted.bin`).
fn counting_files(home: &Path) -> Vec<PathBuf> {
    every_file(home)
        .into_iter()
        .filter(|f| is_counting(f))
        .collect()
}

fn is_counting(file: &Path) -> bool {
    file.to_string_lossy().ends_with(".counted.bin")
}

fn every_file(home: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(cache_dir(home))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn cache_dir(home: &Path) -> PathBuf {
    cache_home(home).join("openusage")
}

/// A copy of the Pi fixture home.
fn pi_home(tmp: &tempfile::TempDir) -> PathBuf {
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    home
}

/// The names in the cache directory that are not cache files (temporary
/// files left behind).
fn leftovers(home: &Path) -> Vec<PathBuf> {
    cache_files(home)
        .into_iter()
        .filter(|f| f.extension().is_none_or(|e| e != "bin"))
        .collect()
}

/// A transcript of the fixture, to append to.
const TRANSCRIPT: &str = ".pi/agent/sessions/--home-alice-code-cli--/2026-11-14T16-20-00-000Z_1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e.jsonl";

/// Appends a turn of `input` tokens, numbered `n`, to `file`.
fn append_turn(file: &Path, n: u32, input: u64) {
    let mut text = fs::read(file).unwrap();
    text.extend_from_slice(format!(r#"{{"type":"message","id":"more{n:04}","timestamp":"2026-11-20T11:00:00.000Z","message":{{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{{"input":{input},"output":0,"cacheRead":0,"cacheWrite":0}},"timestamp":{}}}}}"#, 1_795_172_400_000u64 + u64::from(n)).as_bytes());
    text.push(b'\n');
    fs::write(file, text).unwrap();
}

#[test]
fn a_second_run_starts_warm_and_prints_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    let cold = snapshot(&home, &[]);
    let files = cache_files(&home);
    assert_eq!(
        files.len(),
        1,
        "one cache file for the one account: {files:?}"
    );
    assert_eq!(counting_files(&home).len(), 1, "and its counting");
    let warm = snapshot(&home, &[]);
    assert_eq!(cold, warm);
    assert_eq!(cold, snapshot(&home, &["--no-cache"]));
}

/// An unchanged tree is answered from the kept counting alone: without
/// the readings file (removed here), nothing is read, so nothing is saved
/// again; the numbers are the same.
#[test]
fn an_unchanged_tree_is_answered_from_the_kept_counting_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let cold = snapshot(&home, &[]);
    let readings = cache_files(&home).remove(0);
    fs::remove_file(&readings).unwrap();
    assert_eq!(snapshot(&home, &[]), cold);
    assert!(!readings.exists(), "the files were read again");
    // A change makes it read and count, and save both again.
    append_turn(&home.join(TRANSCRIPT), 1, 1_000_000);
    let changed = snapshot(&home, &[]);
    assert_ne!(changed, cold);
    assert!(readings.exists());
    assert_eq!(changed, snapshot(&home, &["--no-cache"]));
}

/// A warm run whose readings were all reused has nothing new to save: the
/// cache file is left as it was. (A cache rejected on load would be
/// rebuilt from the transcripts and written again.)
#[test]
fn a_warm_run_over_unchanged_files_reuses_the_cache_and_writes_nothing() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    snapshot(&home, &[]);
    let stamp = |p: &PathBuf| {
        let m = fs::metadata(p).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec(), m.len())
    };
    let files = cache_files(&home);
    let before: Vec<_> = files.iter().map(stamp).collect();
    snapshot(&home, &[]);
    assert_eq!(cache_files(&home), files);
    let after: Vec<_> = files.iter().map(stamp).collect();
    assert_eq!(
        before, after,
        "the cache was written again: it was not reused"
    );
}

#[test]
fn the_cache_holds_no_transcript_text() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    snapshot(&home, &[]);
    let files = every_file(&home);
    assert_eq!(files.len(), 2, "the readings and the counting: {files:?}");
    for file in files {
        let cache = fs::read(&file).unwrap();
        let holds = |text: &str| cache.windows(text.len()).any(|w| w == text.as_bytes());
        assert!(holds("claude-sonnet-4-5"), "sanity: {file:?} names models");
        // Prompts, tool output and thinking from the fixture never reach it.
        for text in ["content", "thinking", "toolCall", "login", "Let me"] {
            assert!(!holds(text), "{file:?} holds {text:?}");
        }
    }
}

#[test]
fn a_broken_or_foreign_cache_is_ignored_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    let expected = snapshot(&home, &["--no-cache"]);
    snapshot(&home, &[]);
    // The readings without the counting (else an unchanged tree never
    // reads them), then the counting.
    for (file, other) in [
        (
            cache_files(&home).remove(0),
            counting_files(&home).remove(0),
        ),
        (
            counting_files(&home).remove(0),
            cache_files(&home).remove(0),
        ),
    ] {
        each_broken_is_ignored(&home, &file, &other, &expected);
        snapshot(&home, &[]);
    }
}

/// `file` replaced by broken copies of itself, in turn, `other` removed
/// (each run saves it again): each is ignored.
fn each_broken_is_ignored(home: &Path, file: &Path, other: &Path, expected: &str) {
    let good = fs::read(file).unwrap();
    let mut other_format = good.clone();
    other_format[0] = other_format[0].wrapping_add(1);
    let mut other_reader = good.clone();
    // The reader's name follows the format: "pi" becomes "pj".
    let at = good.windows(2).position(|w| w == b"pi").unwrap();
    other_reader[at + 1] = b'j';
    let half = good[..good.len() / 2].to_vec();
    for broken in [
        b"{not a cache".to_vec(),
        Vec::new(),
        other_format,
        other_reader,
        half,
    ] {
        fs::write(file, broken).unwrap();
        let _ = fs::remove_file(other);
        assert_eq!(snapshot(home, &[]), expected);
    }
}

#[test]
fn no_cache_keeps_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    snapshot(&home, &["--no-cache"]);
    assert!(cache_files(&home).is_empty());
}

#[test]
fn a_warm_run_sees_a_turn_appended_since_the_last_run() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    copy_tree(&fixture("pi/home"), &home);
    snapshot(&home, &[]);
    let file = home.join(".pi/agent/sessions/--home-alice-code-cli--/2026-11-14T16-20-00-000Z_1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e.jsonl");
    let mut text = fs::read(&file).unwrap();
    text.extend_from_slice(br#"{"type":"message","id":"warm0001","timestamp":"2026-11-20T11:00:00.000Z","message":{"role":"assistant","content":[],"provider":"anthropic","model":"claude-sonnet-4-5","usage":{"input":1000000,"output":0,"cacheRead":0,"cacheWrite":0},"timestamp":1795172400000}}"#);
    text.push(b'\n');
    fs::write(&file, text).unwrap();
    assert_eq!(snapshot(&home, &[]), snapshot(&home, &["--no-cache"]));
}

/// Every byte of a real cache flipped in turn (three ways: its lowest bit,
/// its highest, all of it), in process: each load is caught and rebuilt,
/// and the numbers are exactly those of a run without the cache. (Before
/// the cache had a checksum, one flip panicked in counting on every later
/// run and many others changed totals or model names.)
#[test]
fn every_flipped_byte_of_a_real_cache_is_caught_and_counts_as_no_cache() {
    use chrono::DateTime;
    use openusage_core::{CollectContext, Env, FixedClock, Progress, Registry, Settings, Snapshot};
    use pi_provider::PiProvider;

    let tmp = tempfile::tempdir().unwrap();
    // One transcript of two sessions: its turns point into a list, as Pi's
    // readings do.
    let home = tmp.path().join("home");
    let sessions = ".pi/agent/sessions/--home-alice-code-webapp--";
    fs::create_dir_all(home.join(sessions)).unwrap();
    let name = "2026-01-08T10-00-00-000Z_1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0.jsonl";
    fs::copy(
        fixture("pi/home").join(sessions).join(name),
        home.join(sessions).join(name),
    )
    .unwrap();
    let dir = tmp.path().join("cache");
    let env = Env::new(&home);
    let now = FixedClock(DateTime::parse_from_rfc3339(NOW).unwrap().to_utc());
    let mut registry = Registry::new();
    registry.register(PiProvider);
    let collect = |cache: Option<&Path>, save: bool| -> Vec<Snapshot> {
        let accounts = registry.accounts(&env, &Settings::default()).unwrap();
        let progress = Progress::default();
        let snapshots = accounts
            .iter()
            .map(|a| {
                a.collect(&CollectContext {
                    cache_dir: cache,
                    ..CollectContext::new(&env, &now, &progress)
                })
                .snapshot
            })
            .collect();
        if save {
            for account in &accounts {
                account.save(&dir).unwrap();
            }
        }
        snapshots
    };
    let expected = collect(None, false);
    assert!(!expected.is_empty());
    assert_eq!(collect(Some(&dir), true), expected, "cold");
    assert_eq!(collect(Some(&dir), false), expected, "warm");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    // The readings, then the counting (`….bin` sorts before `….counted.bin`):
    // each flipped alone, the other removed, so that it is the one loaded.
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for (file, other) in [(&files[0], &files[1]), (&files[1], &files[0])] {
        let good = fs::read(file).unwrap();
        let kept = fs::read(other).unwrap();
        assert!(
            (200..4_000).contains(&good.len()),
            "a small cache: {} bytes",
            good.len()
        );
        fs::remove_file(other).unwrap();
        for at in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[at] ^= flip;
                fs::write(file, &bad).unwrap();
                let got = collect(Some(&dir), false);
                assert!(
                    got == expected,
                    "{file:?}: byte {at} ^ {flip:#04x} changed the numbers"
                );
            }
        }
        fs::write(file, &good).unwrap();
        fs::write(other, &kept).unwrap();
    }
}

#[test]
fn a_file_name_that_is_not_utf8_and_a_long_account_id_are_cached_like_any_other() {
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let sessions = home.join(".pi/agent/sessions/--home-alice-code-cli--");
    let odd = sessions.join(std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.jsonl"));
    fs::copy(home.join(TRANSCRIPT), &odd).unwrap();
    let long_id = "a-very-long-account-id/".repeat(14);
    assert!(long_id.len() > 300);
    let settings = tmp.path().join("settings.json");
    let account = serde_json::json!({
        "accounts": [{
            "id": long_id,
            "provider": "pi",
            "extra": { "sessions_dir": home.join(".pi/agent/sessions") },
        }],
    });
    fs::write(&settings, account.to_string()).unwrap();
    let config = settings.to_str().unwrap();
    let run_with = |extra: &[&str]| {
        let (code, out, err) = run(openusage(&home)
            .args(["--config", config, "--now", NOW, "snapshot", "--json"])
            .args(extra));
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("cache"), "{err}");
        out
    };
    let cold = run_with(&[]);
    let files = cache_files(&home);
    assert_eq!(
        files.len(),
        2,
        "the detected account's and the long one's: {files:?}"
    );
    for file in &files {
        let name = file.file_name().unwrap().len();
        assert!(name < 100, "{file:?}");
        let saved = fs::read(file).unwrap();
        let holds = |bytes: &[u8]| saved.windows(bytes.len()).any(|w| w == bytes);
        assert!(holds(b"caf\xe9-\xff.jsonl"), "{file:?} holds the odd name");
    }
    assert!(cold.contains(&long_id));
    // Warm, both accounts read their saved readings, and count the same.
    let stamps = |files: &[PathBuf]| -> Vec<_> {
        files
            .iter()
            .map(|f| fs::metadata(f).unwrap().modified().unwrap())
            .collect()
    };
    let before = stamps(&files);
    assert_eq!(run_with(&[]), cold);
    assert_eq!(stamps(&files), before, "nothing changed, nothing saved");
    assert_eq!(run_with(&["--no-cache"]), cold);
}

#[test]
fn one_account_whose_cache_cannot_be_written_keeps_no_other_from_saving() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let settings = tmp.path().join("settings.json");
    let dirs = home.join(".pi/agent/sessions");
    let account =
        |id: &str| serde_json::json!({"id": id, "provider": "pi", "extra": {"sessions_dir": dirs}});
    let doc = serde_json::json!({"detect": false, "accounts": [account("a"), account("b")]});
    fs::write(&settings, doc.to_string()).unwrap();
    let config = settings.to_str().unwrap();
    let cmd = || {
        let mut cmd = openusage(&home);
        cmd.args(["--config", config, "--now", NOW, "snapshot", "--json"]);
        cmd
    };
    let (code, _, err) = run(&mut cmd());
    assert_eq!(code, 0, "{err}");
    let files = cache_files(&home);
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy())
        .collect();
    assert!(
        names.len() == 2 && names[0].starts_with("pi-a-") && names[1].starts_with("pi-b-"),
        "{names:?}"
    );
    // The first account's cache path is taken by a directory; both
    // accounts have something new to save.
    fs::remove_file(&files[0]).unwrap();
    fs::create_dir(&files[0]).unwrap();
    let b_before = fs::read(&files[1]).unwrap();
    append_turn(&home.join(TRANSCRIPT), 1, 1000);
    let (code, out, err) = run(&mut cmd());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(r#"cannot write the cache of pi account "a""#),
        "{err}"
    );
    assert!(!err.contains(r#"account "b""#), "{err}");
    assert_ne!(
        fs::read(&files[1]).unwrap(),
        b_before,
        "b saved all the same"
    );
    assert!(leftovers(&home).is_empty(), "{:?}", leftovers(&home));
    let (_, fresh, _) = run(cmd().arg("--no-cache"));
    assert_eq!(out, fresh);
}

#[test]
fn a_directory_at_the_cache_path_costs_the_cache_not_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let expected = snapshot(&home, &["--no-cache"]);
    snapshot(&home, &[]);
    // At the readings' path (the counting removed, so they are needed),
    // then at the counting's.
    for file in [
        cache_files(&home).remove(0),
        counting_files(&home).remove(0),
    ] {
        for other in every_file(&home) {
            fs::remove_file(other).unwrap();
        }
        fs::create_dir(&file).unwrap();
        fs::write(file.join("inside"), "x").unwrap();
        let (code, out, err) = run(openusage(&home).args(["--now", NOW, "snapshot", "--json"]));
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, expected);
        assert!(err.contains("cannot write the cache"), "{err}");
        assert!(leftovers(&home).is_empty(), "{:?}", leftovers(&home));
        assert_eq!(fs::read_to_string(file.join("inside")).unwrap(), "x");
        fs::remove_dir_all(&file).unwrap();
    }
}

/// Under `ulimit -f 0` every write to a file fails: the output (to a pipe)
/// is complete, the exit code 0, and no temporary file is left. (The
/// process was killed by SIGXFSZ before printing anything.)
#[test]
fn under_a_file_size_limit_the_output_is_complete_and_nothing_is_left_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let expected = snapshot(&home, &["--no-cache"]);
    let direct = openusage(&home);
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(r#"ulimit -f 0 && exec "$0" "$@""#)
        .arg(direct.get_program())
        .args(["--now", NOW, "snapshot", "--json"])
        .env_clear();
    for (key, value) in direct.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    let (code, out, err) = run(&mut cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
    assert!(err.contains("cannot write the cache"), "{err}");
    assert!(cache_files(&home).is_empty(), "{:?}", cache_files(&home));
}

#[cfg(unix)]
#[test]
fn a_read_only_cache_directory_costs_the_cache_not_the_output() {
    use openusage_e2e::unprivileged::{chmod, unprivileged};

    let tmp = tempfile::tempdir().unwrap();
    chmod(tmp.path(), 0o755);
    let home = pi_home(&tmp);
    let cache = tmp.path().join("cache");
    fs::create_dir_all(cache.join("openusage")).unwrap();
    chmod(&cache.join("openusage"), 0o555);
    let expected = snapshot(&home, &["--no-cache"]);
    let mut cmd = match unprivileged(&home) {
        Ok(cmd) => cmd,
        Err(why) => {
            eprintln!("skipped: {why}; a read-only directory cannot be tested here");
            return;
        }
    };
    let (code, out, err) = run(cmd
        .env("XDG_CACHE_HOME", &cache)
        .args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
    assert!(err.contains("cannot write the cache"), "{err}");
    assert_eq!(fs::read_dir(cache.join("openusage")).unwrap().count(), 0);
}

#[test]
fn abandoned_temporary_files_are_removed_at_start_and_fresh_ones_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let dir = cache_dir(&home);
    fs::create_dir_all(&dir).unwrap();
    let old = dir.join("pi-pi-12345678.tmp.4242");
    let fresh = dir.join("pi-pi-12345678.tmp.Ab3dE5gH");
    fs::write(&old, "half a cache").unwrap();
    fs::write(&fresh, "a concurrent save").unwrap();
    let hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hours_ago)
        .unwrap();
    // A run with nothing to save cleans up all the same.
    snapshot(&home, &[]);
    snapshot(&home, &[]);
    assert!(!old.exists(), "the abandoned one is removed");
    assert_eq!(fs::read_to_string(&fresh).unwrap(), "a concurrent save");
    // `--no-cache` touches nothing there.
    fs::write(&old, "again").unwrap();
    fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hours_ago)
        .unwrap();
    snapshot(&home, &["--no-cache"]);
    assert!(old.exists());
}

#[cfg(unix)]
#[test]
fn the_cache_directory_and_files_are_the_user_s_alone() {
    use std::os::unix::fs::PermissionsExt;

    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let xdg = tmp.path().join("new/cache");
    let (code, _, err) = run(openusage(&home)
        .env("XDG_CACHE_HOME", &xdg)
        .args(["--now", NOW, "snapshot", "--json"]));
    assert_eq!(code, 0, "{err}");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in [tmp.path().join("new"), xdg.clone(), xdg.join("openusage")] {
        assert_eq!(mode(&dir), 0o700, "{dir:?}");
    }
    let files: Vec<PathBuf> = fs::read_dir(xdg.join("openusage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "the readings and the counting: {files:?}");
    for file in &files {
        assert_eq!(mode(file), 0o600, "{file:?}");
    }
}

/// A FIFO where the cache file should be: the run neither hangs opening it
/// nor reads it, prints what `--no-cache` prints, and saves over it.
#[cfg(unix)]
#[test]
fn a_fifo_at_the_cache_path_is_ignored_without_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let home = pi_home(&tmp);
    let expected = snapshot(&home, &["--no-cache"]);
    snapshot(&home, &[]);
    // At the readings' path (the counting removed, so they are needed),
    // then at the counting's.
    for file in [
        cache_files(&home).remove(0),
        counting_files(&home).remove(0),
    ] {
        for other in every_file(&home) {
            fs::remove_file(other).unwrap();
        }
        fifo_instead(&home, &file, &expected);
    }
}

/// Runs with a FIFO at `file`: the run ends, prints `expected` and saves
/// over the FIFO.
#[cfg(unix)]
fn fifo_instead(home: &Path, file: &Path, expected: &str) {
    use std::time::{Duration, Instant};

    let made = std::process::Command::new("mkfifo").arg(file).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let mut child = openusage(home)
        .args(["--now", NOW, "snapshot", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("openusage hung on a FIFO at the cache path");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), expected);
    assert!(fs::metadata(file).unwrap().is_file(), "saved over the FIFO");
}

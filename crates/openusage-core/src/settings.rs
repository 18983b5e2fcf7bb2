//! The settings file: which accounts to show, and how to read them.
//!
//! ```json
//! { "accounts": [ { "id": "pi", "provider": "pi", "extra": { "sessions_dir": "~/.pi/agent/sessions" } } ] }
//! ```

#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::pricing::{CostMode, UserPrice};
use crate::zone::Zone;

/// One entry of `accounts[]`: which provider reads it and the provider's own
/// options in `extra`, which the provider validates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    /// The account's id, unique in the settings file.
    pub id: String,
    /// The id of the provider that reads it.
    pub provider: String,
    /// The provider's own options.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl AccountConfig {
    /// An account with no options.
    pub fn new(id: &str, provider: &str) -> Self {
        AccountConfig {
            id: id.to_owned(),
            provider: provider.to_owned(),
            extra: serde_json::Map::new(),
        }
    }
}

/// The parsed settings file, or the empty settings when there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The file the settings came from; `None` when no file exists.
    pub path: Option<PathBuf>,
    /// The configured accounts, in file order.
    pub accounts: Vec<AccountConfig>,
    /// How the views look and refresh.
    pub ui: UiSettings,
    /// Whether detected accounts are shown besides configured ones
    /// (`"detect": false` shows only the configured accounts).
    pub detect: bool,
    /// Where days start: `"UTC"` (the default), `"local"` or an IANA name,
    /// checked when the file is loaded ([`Settings::zone`] reads it).
    pub timezone: Option<String>,
    /// Which costs the views show (`"cost"`: `auto`, `recorded` or
    /// `calculate`); `None` when the settings say nothing.
    pub cost: Option<CostMode>,
    /// The user's own prices, by model id (`"prices"`), which override the
    /// price table.
    pub prices: BTreeMap<String, UserPrice>,
}

/// The `ui` object: how the dashboard behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiSettings {
    /// Seconds between automatic refreshes of the dashboard (at least 1).
    pub refresh_interval_seconds: u64,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            refresh_interval_seconds: 10,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            path: None,
            accounts: Vec::new(),
            ui: UiSettings::default(),
            detect: true,
            timezone: None,
            cost: None,
            prices: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// The directory relative paths in the settings resolve against.
    pub fn base_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }

    /// The zone the settings name, UTC when they name none. (`load` has
    /// checked the name; should it fail here anyway, UTC.)
    pub fn zone(&self, env: &Env) -> Zone {
        self.timezone
            .as_deref()
            .and_then(|name| Zone::parse(name, env).ok())
            .unwrap_or_default()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    #[serde(default)]
    accounts: Vec<AccountConfig>,
    #[serde(default)]
    ui: UiSettings,
    #[serde(default = "yes")]
    detect: bool,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    cost: Option<String>,
    #[serde(default)]
    prices: BTreeMap<String, UserPrice>,
}

fn yes() -> bool {
    true
}

/// Why a settings file cannot be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file exists but could not be read.
    #[error("settings file {}: cannot read it: {source}", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// Something other than a regular file is at the settings path.
    #[error("settings file {}: not a regular file ({kind})", path.display())]
    NotAFile {
        /// The settings file.
        path: PathBuf,
        /// What is there instead (`a FIFO`, `a directory`).
        kind: &'static str,
    },
    /// The file is too large to be settings.
    #[error("settings file {}: larger than 1 MiB; a settings file is a few lines of JSON", path.display())]
    TooLarge {
        /// The settings file.
        path: PathBuf,
    },
    /// The file is not JSON, or not JSON of the settings' shape.
    #[error("settings file {}, line {line}, column {column}: {place}{message}", path.display(), place = Place(place))]
    Syntax {
        /// The settings file.
        path: PathBuf,
        /// The line of the problem, from 1.
        line: usize,
        /// The column of the problem, from 1.
        column: usize,
        /// Where in the document, such as `accounts[0].provider`; may be empty.
        place: String,
        /// What is wrong there.
        message: String,
    },
    /// The JSON is well formed but a value is not allowed.
    #[error("settings file {}: {place}: {message}", path.display())]
    Invalid {
        /// The settings file.
        path: PathBuf,
        /// Such as `accounts[1] (id "work")` or `accounts[1] (id "work"), extra.sessions_dir`.
        place: String,
        /// What is wrong there.
        message: String,
    },
}

struct Place<'a>(&'a str);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            "" | "." => Ok(()),
            place => write!(f, "{place}: "),
        }
    }
}

/// Where the settings file is: `--config PATH`, else `$OPENUSAGE_CONFIG`,
/// else `<config dir>/openusage/settings.json`.
pub fn settings_path(flag: Option<&Path>, env: &Env) -> Option<PathBuf> {
    if let Some(path) = flag {
        return Some(env.cwd().join(env.expand_tilde(path)));
    }
    if let Some(path) = env.var("OPENUSAGE_CONFIG") {
        return Some(env.cwd().join(env.expand_tilde(Path::new(path))));
    }
    env.config_dir()
        .map(|dir| dir.join("openusage").join("settings.json"))
}

/// Reads the settings at `path`. A missing file is not an error: it means
/// "use what detection finds", and gives empty settings.
///
/// Checks the document's shape (types, unknown keys, missing `id` or
/// `provider`), empty and duplicate account ids. Provider names and `extra`
/// are checked by the registry, which knows the providers.
pub fn load(path: &Path) -> Result<Settings, SettingsError> {
    let Some(bytes) = read(path)? else {
        return Ok(Settings::default());
    };
    let file = parse(&bytes).map_err(|e| syntax_error(path, e))?;
    check_ids(path, &file.accounts)?;
    if file.ui.refresh_interval_seconds == 0 {
        return Err(SettingsError::Invalid {
            path: path.to_path_buf(),
            place: "ui.refresh_interval_seconds".to_owned(),
            message: "must be at least 1".to_owned(),
        });
    }
    if let Some(name) = &file.timezone {
        // "local" is always valid, whatever the machine's zone turns out to be.
        Zone::parse(name, &Env::default()).map_err(|e| SettingsError::Invalid {
            path: path.to_path_buf(),
            place: "timezone".to_owned(),
            message: e.to_string(),
        })?;
    }
    let invalid = |place: String, message: String| SettingsError::Invalid {
        path: path.to_path_buf(),
        place,
        message,
    };
    let cost = match file.cost.as_deref() {
        None => None,
        Some(name) => Some(CostMode::from_name(name).ok_or_else(|| {
            invalid(
                "cost".to_owned(),
                format!("unknown cost mode {name:?} (known: auto, recorded, calculate)"),
            )
        })?),
    };
    if let Some((model, _)) = file.prices.iter().find(|(_, p)| !p.is_valid()) {
        return Err(invalid(
            format!("prices.{model}"),
            "prices must be numbers of at least 0 (USD per million tokens)".to_owned(),
        ));
    }
    Ok(Settings {
        path: Some(path.to_path_buf()),
        accounts: file.accounts,
        ui: file.ui,
        detect: file.detect,
        timezone: file.timezone,
        cost,
        prices: file.prices,
    })
}

/// The most a settings file may hold: far more than any real one, little
/// enough that reading it is instant.
pub const MAX_SETTINGS_BYTES: u64 = 1024 * 1024;

/// The file's bytes; `None` when there is no file. Only a regular file of at
/// most [`MAX_SETTINGS_BYTES`] is read: a FIFO, a device (`/dev/zero`) or a
/// directory is refused without a byte read from it, whatever a link
/// pointing to it is called. The file is opened without blocking (a FIFO
/// with no writer would wait forever), its type is checked on the open
/// handle (not on the name, which could change in between), and at most one
/// byte more than the limit is read, so a file that grows while it is read
/// cannot make the read unbounded.
fn read(path: &Path) -> Result<Option<Vec<u8>>, SettingsError> {
    use std::io::Read;
    let error = |source| SettingsError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = match crate::open::nonblocking(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(error(e)),
    };
    let meta = file.metadata().map_err(error)?;
    if !meta.is_file() {
        return Err(SettingsError::NotAFile {
            path: path.to_path_buf(),
            kind: kind_of(&meta.file_type()),
        });
    }
    let too_large = || SettingsError::TooLarge {
        path: path.to_path_buf(),
    };
    if meta.len() > MAX_SETTINGS_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_SETTINGS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(error)?;
    if bytes.len() as u64 > MAX_SETTINGS_BYTES {
        return Err(too_large());
    }
    Ok(Some(bytes))
}

/// What a file that is not a regular one is, in words.
fn kind_of(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Parses the document; on failure, where in it (`accounts[0].id`) and why.
fn parse(bytes: &[u8]) -> Result<SettingsFile, (String, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let file = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| (known_place(e.path()), e.into_inner()))?;
    de.end().map_err(|e| (String::new(), e))?;
    Ok(file)
}

/// The path to the error, without the `?` serde_path_to_error writes for a
/// key it did not get to read (`accounts[0].?`).
fn known_place(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    let known = text.strip_suffix('?').unwrap_or(&text);
    known.strip_suffix('.').unwrap_or(known).to_owned()
}

fn syntax_error(path: &Path, (place, err): (String, serde_json::Error)) -> SettingsError {
    let (line, column) = (err.line(), err.column());
    // serde_json appends the position to its message; we print it up front.
    let text = err.to_string();
    let message = text
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&text)
        .to_owned();
    SettingsError::Syntax {
        path: path.to_path_buf(),
        line,
        column,
        place,
        message,
    }
}

fn check_ids(path: &Path, accounts: &[AccountConfig]) -> Result<(), SettingsError> {
    for (i, account) in accounts.iter().enumerate() {
        let invalid = |message: String| SettingsError::Invalid {
            path: path.to_path_buf(),
            place: format!("accounts[{i}].id"),
            message,
        };
        if account.id.trim().is_empty() {
            return Err(invalid("the account id is empty".to_owned()));
        }
        if let Some(first) = accounts[..i].iter().position(|a| a.id == account.id) {
            return Err(invalid(format!(
                "duplicate account id {:?} (also accounts[{first}])",
                account.id
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Settings, SettingsError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, text).unwrap();
        load(&path)
    }

    fn error_text(text: &str) -> String {
        load_text(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_accounts_with_their_extra_options() {
        let s = load_text(
            r#"{"accounts":[{"id":"pi","provider":"pi","extra":{"sessions_dir":"~/s"}}]}"#,
        )
        .unwrap();
        assert_eq!(s.accounts.len(), 1);
        assert_eq!(s.accounts[0].extra["sessions_dir"], "~/s");
        assert!(s.base_dir().is_some());
    }

    #[test]
    fn the_refresh_interval_defaults_to_ten_seconds_and_must_be_positive() {
        assert_eq!(load_text("{}").unwrap().ui.refresh_interval_seconds, 10);
        let s = load_text(r#"{"ui":{"refresh_interval_seconds":3}}"#).unwrap();
        assert_eq!(s.ui.refresh_interval_seconds, 3);
        let e = error_text(r#"{"ui":{"refresh_interval_seconds":0}}"#);
        assert!(
            e.ends_with("ui.refresh_interval_seconds: must be at least 1"),
            "{e}"
        );
        let e = error_text(r#"{"ui":{"refresh_interval_seconds":-1}}"#);
        assert!(
            e.contains("ui.refresh_interval_seconds: invalid value: integer `-1`"),
            "{e}"
        );
        let e = error_text(r#"{"ui":{"refresh":5}}"#);
        assert!(e.contains("ui.refresh: unknown field `refresh`"), "{e}");
    }

    #[test]
    fn detection_is_on_unless_turned_off() {
        assert!(load_text("{}").unwrap().detect);
        assert!(!load_text(r#"{"detect":false}"#).unwrap().detect);
        assert!(error_text(r#"{"detect":"no"}"#).contains("detect: invalid type"));
    }

    #[test]
    fn the_time_zone_defaults_to_utc_and_an_unknown_one_is_an_error() {
        let env = Env::new("/h");
        assert_eq!(load_text("{}").unwrap().zone(&env), Zone::Utc);
        let warsaw = load_text(r#"{"timezone":"Europe/Warsaw"}"#).unwrap();
        assert_eq!(warsaw.zone(&env).name(), "Europe/Warsaw");
        let local = load_text(r#"{"timezone":"local"}"#).unwrap();
        let in_tokyo = env.clone().with_var("TZ", "Asia/Tokyo");
        assert_eq!(local.zone(&in_tokyo).name(), "Asia/Tokyo");
        let err = load_text(r#"{"timezone":"Europe/Atlantis"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("timezone: unknown time zone \"Europe/Atlantis\""),
            "{err}"
        );
        let err = load_text(r#"{"timezone":7}"#).unwrap_err().to_string();
        assert!(err.contains("timezone"), "{err}");
    }

    #[test]
    fn user_prices_and_the_cost_mode_are_checked_where_they_stand() {
        let s = load_text(
            r#"{"cost":"calculate","prices":{"my-model":{"input":1.5,"output":6,"cache_read":0.15}}}"#,
        )
        .unwrap();
        assert_eq!(s.cost, Some(CostMode::Calculate));
        let price = s.prices["my-model"].per_token();
        assert_eq!((price.input, price.output), (1.5e-6, 6e-6));
        assert_eq!((price.cache_read, price.cache_write), (Some(0.15e-6), None));
        let e = error_text(r#"{"prices":{"m":{"input":-1,"output":2}}}"#);
        assert!(
            e.ends_with("prices.m: prices must be numbers of at least 0 (USD per million tokens)"),
            "{e}"
        );
        let e = error_text(r#"{"prices":{"m":{"input":1}}}"#);
        assert!(e.contains("prices.m: missing field `output`"), "{e}");
        let e = error_text(r#"{"prices":{"m":{"input":1,"output":2,"cache_wrte":3}}}"#);
        assert!(e.contains("prices.m.cache_wrte: unknown field"), "{e}");
        let e = error_text(r#"{"cost":"cheap"}"#);
        assert!(e.contains("cost: unknown cost mode \"cheap\""), "{e}");
    }

    #[test]
    fn a_missing_file_means_no_settings() {
        let s = load(Path::new("/nonexistent/openusage/settings.json")).unwrap();
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let e = error_text("{\n  \"accounts\": [\n    {\"id\": \"pi\",}\n  ]\n}");
        assert!(
            e.contains("settings.json, line 3, column 17: accounts[0]: trailing comma"),
            "{e}"
        );
        assert!(e.contains("trailing comma"), "{e}");
    }

    #[test]
    fn a_wrong_type_names_the_place() {
        let e = error_text(r#"{"accounts":[{"id":"pi","provider":5}]}"#);
        assert!(
            e.contains("accounts[0].provider: invalid type: integer `5`, expected a string"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_id_and_an_unknown_key_are_errors() {
        let e = error_text(r#"{"accounts":[{"provider":"pi"}]}"#);
        assert!(e.contains("missing field `id`"), "{e}");
        let e = error_text(r#"{"acounts":[]}"#);
        assert!(e.contains("unknown field `acounts`"), "{e}");
    }

    #[test]
    fn empty_and_duplicate_ids_are_errors() {
        let e = error_text(r#"{"accounts":[{"id":" ","provider":"pi"}]}"#);
        assert!(e.contains("accounts[0].id: the account id is empty"), "{e}");
        let e =
            error_text(r#"{"accounts":[{"id":"a","provider":"pi"},{"id":"a","provider":"pi"}]}"#);
        assert!(
            e.contains(r#"accounts[1].id: duplicate account id "a" (also accounts[0])"#),
            "{e}"
        );
    }

    #[test]
    fn trailing_garbage_and_invalid_utf8_are_syntax_errors() {
        assert!(error_text(r#"{"accounts":[]} x"#).contains("trailing characters"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(
            &path,
            b"{\"accounts\":[{\"id\":\"\xff\",\"provider\":\"pi\"}]}",
        )
        .unwrap();
        let e = load(&path).unwrap_err().to_string();
        assert!(e.contains("line 1, column"), "{e}");
    }

    #[test]
    fn only_a_regular_file_of_at_most_a_mebibyte_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.ends_with("not a regular file (a directory)"), "{e}");
        let big = dir.path().join("big.json");
        // Valid JSON, one byte over the limit: refused for its size alone.
        let mut text = b"{}".to_vec();
        text.resize(MAX_SETTINGS_BYTES as usize + 1, b' ');
        std::fs::write(&big, &text).unwrap();
        let e = load(&big).unwrap_err().to_string();
        assert!(e.contains("big.json: larger than 1 MiB"), "{e}");
        text.pop();
        std::fs::write(&big, &text).unwrap();
        assert!(load(&big).is_ok(), "exactly 1 MiB is read");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let e = load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(
            e, "settings file /dev/zero: not a regular file (a device)",
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("settings.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped the FIFO: mkfifo is not available");
            return;
        }
        // No writer: a blocking open would never return.
        let e = load(&fifo).unwrap_err().to_string();
        assert!(
            e.ends_with("settings.json: not a regular file (a FIFO)"),
            "{e}"
        );
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        let e = load(&link).unwrap_err().to_string();
        assert!(e.ends_with("link.json: not a regular file (a FIFO)"), "{e}");
    }

    #[test]
    fn the_path_comes_from_the_flag_then_the_variable_then_the_config_dir() {
        let env = Env::new("/h").with_var("OPENUSAGE_CONFIG", "/from/env.json");
        assert_eq!(
            settings_path(Some(Path::new("~/x.json")), &env),
            Some(PathBuf::from("/h/x.json"))
        );
        assert_eq!(
            settings_path(None, &env),
            Some(PathBuf::from("/from/env.json"))
        );
        let env = Env::new("/h");
        assert_eq!(
            settings_path(None, &env),
            Some(PathBuf::from("/h/.config/openusage/settings.json"))
        );
    }
}

//! The settings file: which accounts to show, and how to read them.
//!
//! ```json
//! { "accounts": [ { "id": "pi", "provider": "pi", "extra": { "sessions_dir": "~/.pi/agent/sessions" } } ] }
//! ```
//!
//! The Go openusage reads the same file: its keys are accepted too, and
//! ignored with a note when they mean nothing here (see [`load`]).

#![deny(missing_docs)]

mod go;
mod hint;
mod shape;
#[cfg(test)]
mod tests;

pub(crate) use hint::closest;

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
    /// Where each of `accounts` stands in the file's `accounts[]`, for
    /// messages: the two differ when accounts of the Go openusage's own
    /// providers were skipped. Empty means "the same".
    pub account_indices: Vec<usize>,
    /// What the user should be told once, on stderr, without the
    /// `openusage: note: ` every note starts with: a settings file named
    /// but missing, the Go openusage's settings ignored.
    pub notes: Vec<String>,
}

/// The `ui` object: how the dashboard behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiSettings {
    /// Seconds between the live views' safety-net refreshes (at least 1):
    /// they refresh when a file they read changes, and besides every this
    /// many seconds, for changes no file event tells of; where events cannot
    /// be had, this is how often they poll.
    pub refresh_interval_seconds: u64,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            refresh_interval_seconds: 300,
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
            account_indices: Vec::new(),
            notes: Vec::new(),
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

    /// The index in the file's `accounts[]` of `accounts[i]`.
    pub fn account_index(&self, i: usize) -> usize {
        self.account_indices.get(i).copied().unwrap_or(i)
    }
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

/// Where the settings file is: `--config PATH` (`~` expanded, relative to
/// the working directory), else `$OPENUSAGE_CONFIG` (the same), else
/// `<config dir>/openusage/settings.json`, the config dir being
/// `$XDG_CONFIG_HOME` when it is an absolute path, else `~/.config`.
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

/// The settings of this run: the file [`settings_path`] finds, read by
/// [`load`]. A file the user named (`--config`, `$OPENUSAGE_CONFIG`) that
/// does not exist is not an error, but a note says so.
pub fn find(flag: Option<&Path>, env: &Env, providers: &[&str]) -> Result<Settings, SettingsError> {
    let Some(path) = settings_path(flag, env) else {
        return Ok(Settings::default());
    };
    let mut settings = load(&path, providers)?;
    if settings.path.is_none() {
        let named = match (flag, env.var("OPENUSAGE_CONFIG")) {
            (Some(flag), _) => Some(flag.display().to_string()),
            (None, Some(var)) => Some(format!(
                "{} (from $OPENUSAGE_CONFIG)",
                Path::new(var).display()
            )),
            (None, None) => None,
        };
        settings.notes.extend(
            named.map(|file| {
                format!("settings file {file} does not exist; using detected accounts")
            }),
        );
    }
    Ok(settings)
}

/// Reads the settings at `path`. A missing file is not an error: it means
/// "use what detection finds", and gives empty settings. `providers` are
/// the ids of the providers this build has.
///
/// Checks the document's shape (an object, after a UTF-8 byte order mark
/// if there is one; types, unknown keys, missing `id` or `provider`), empty
/// and duplicate account ids. Provider names and `extra` are checked by the
/// registry, which knows the providers.
///
/// The Go openusage's keys are accepted: `auto_detect` is read as
/// `detect` (which wins when both are set); its other keys, its accounts'
/// own keys and its accounts of providers not in `providers` are ignored,
/// and [`Settings::notes`] gets one note naming them.
pub fn load(path: &Path, providers: &[&str]) -> Result<Settings, SettingsError> {
    let Some(bytes) = read(path)? else {
        return Ok(Settings::default());
    };
    let file = shape::parse(&bytes).map_err(|problem| parse_error(path, problem))?;
    let (ui, cost) = check_values(path, &file)?;
    let mut ignored = go::Ignored::new();
    file.note_go_keys(&mut ignored);
    let accounts = go::accounts(file.accounts.unwrap_or_default(), providers, &mut ignored);
    check_ids(path, &accounts)?;
    let (account_indices, accounts) = accounts.into_iter().unzip();
    Ok(Settings {
        path: Some(path.to_path_buf()),
        accounts,
        ui,
        detect: file.detect.or(file.auto_detect).unwrap_or(true),
        timezone: file.timezone,
        cost,
        prices: file.prices,
        account_indices,
        notes: go::note(path, &ignored).into_iter().collect(),
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

/// The values serde cannot check: the refresh interval (with its default),
/// the zone's name, the cost mode, the user's prices.
fn check_values(
    path: &Path,
    file: &shape::SettingsFile,
) -> Result<(UiSettings, Option<CostMode>), SettingsError> {
    let invalid = |place: &str, message: String| SettingsError::Invalid {
        path: path.to_path_buf(),
        place: place.to_owned(),
        message,
    };
    let default = UiSettings::default().refresh_interval_seconds;
    let ui = UiSettings {
        refresh_interval_seconds: file.ui.refresh_interval_seconds.unwrap_or(default),
    };
    if ui.refresh_interval_seconds == 0 {
        let message = "must be at least 1".to_owned();
        return Err(invalid("ui.refresh_interval_seconds", message));
    }
    if let Some(name) = &file.timezone {
        // "local" is always valid, whatever the machine's zone turns out to be.
        Zone::parse(name, &Env::default()).map_err(|e| invalid("timezone", e.to_string()))?;
    }
    let cost = match file.cost.as_deref() {
        None => None,
        Some(name) => Some(CostMode::from_name(name).ok_or_else(|| {
            let known = "(known: auto, recorded, calculate)";
            invalid("cost", format!("unknown cost mode {name:?} {known}"))
        })?),
    };
    if let Some((model, _)) = file.prices.iter().find(|(_, p)| !p.is_valid()) {
        return Err(invalid(
            &format!("prices.{model}"),
            "prices must be numbers of at least 0 (USD per million tokens)".to_owned(),
        ));
    }
    Ok((ui, cost))
}

/// The error for a document that could not be read, naming the file.
fn parse_error(path: &Path, problem: shape::Problem) -> SettingsError {
    match problem {
        shape::Problem::NotAnObject(kind) => SettingsError::Invalid {
            path: path.to_path_buf(),
            place: "top level".to_owned(),
            message: format!("expected a JSON object ({{ ... }}), found {kind}"),
        },
        shape::Problem::Json(place, err) => SettingsError::Syntax {
            path: path.to_path_buf(),
            line: err.line(),
            column: err.column(),
            place,
            message: shape::message(&err),
        },
    }
}

/// Every kept account has an id, and no two the same; each is named by its
/// index in the file.
fn check_ids(path: &Path, accounts: &[(usize, AccountConfig)]) -> Result<(), SettingsError> {
    for (n, (i, account)) in accounts.iter().enumerate() {
        let invalid = |message: String| SettingsError::Invalid {
            path: path.to_path_buf(),
            place: format!("accounts[{i}].id"),
            message,
        };
        if account.id.trim().is_empty() {
            return Err(invalid("the account id is empty".to_owned()));
        }
        if let Some((first, _)) = accounts[..n].iter().find(|(_, a)| a.id == account.id) {
            return Err(invalid(format!(
                "duplicate account id {:?} (also accounts[{first}])",
                account.id
            )));
        }
    }
    Ok(())
}

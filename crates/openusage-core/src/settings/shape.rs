//! The document as it is read: our keys, and the Go openusage's keys, which
//! are accepted so that the file both tools read at
//! `~/.config/openusage/settings.json` works with either (see [`super::go`]).
//! Every other key is an error, with a hint when a known one is close.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::go::{self, Ignored};
use super::hint;
use crate::pricing::UserPrice;

/// The whole file. Options that are absent are `None` (a Go openusage that
/// has no accounts writes `"accounts": null`, which means none here too).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SettingsFile {
    pub accounts: Option<Vec<RawAccount>>,
    #[serde(default)]
    pub ui: RawUi,
    pub detect: Option<bool>,
    pub timezone: Option<String>,
    pub cost: Option<String>,
    #[serde(default)]
    pub prices: BTreeMap<String, UserPrice>,
    /// The Go openusage's switch for detection: `detect` when that is absent.
    pub auto_detect: Option<bool>,
    // The Go openusage's other keys ([`go::TOP_LEVEL`]), accepted and ignored.
    theme: Option<IgnoredAny>,
    data: Option<IgnoredAny>,
    experimental: Option<IgnoredAny>,
    telemetry: Option<IgnoredAny>,
    dashboard: Option<IgnoredAny>,
    model_normalization: Option<IgnoredAny>,
    auto_detected_accounts: Option<IgnoredAny>,
    integrations: Option<IgnoredAny>,
    export: Option<IgnoredAny>,
    hub: Option<IgnoredAny>,
    tmux: Option<IgnoredAny>,
}

impl SettingsFile {
    /// Notes the Go openusage's top-level and `ui` keys the file holds, in
    /// the order of [`go::TOP_LEVEL`] and [`go::UI`].
    pub fn note_go_keys(&self, ignored: &mut Ignored) {
        let top = [
            &self.theme,
            &self.data,
            &self.experimental,
            &self.telemetry,
            &self.dashboard,
            &self.model_normalization,
            &self.auto_detected_accounts,
            &self.integrations,
            &self.export,
            &self.hub,
            &self.tmux,
        ];
        for (name, value) in go::TOP_LEVEL.iter().zip(top) {
            if value.is_some() {
                ignored.push((*name).to_owned());
            }
        }
        let ui = [&self.ui.warn_threshold, &self.ui.crit_threshold];
        for (name, value) in go::UI.iter().zip(ui) {
            if value.is_some() {
                ignored.push(format!("ui.{name}"));
            }
        }
    }
}

/// The `ui` object: ours, and the Go openusage's gauge thresholds.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUi {
    pub refresh_interval_seconds: Option<u64>,
    warn_threshold: Option<IgnoredAny>,
    crit_threshold: Option<IgnoredAny>,
}

/// One entry of `accounts[]`: ours (`id`, `provider`, `extra`), and the Go
/// openusage's own account keys ([`go::ACCOUNT`]), accepted and ignored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccount {
    pub id: String,
    pub provider: String,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    auth: Option<IgnoredAny>,
    api_key_env: Option<IgnoredAny>,
    probe_model: Option<IgnoredAny>,
    browser_cookie: Option<IgnoredAny>,
    binary: Option<IgnoredAny>,
    base_url: Option<IgnoredAny>,
    provider_paths: Option<IgnoredAny>,
    paths: Option<IgnoredAny>,
}

impl RawAccount {
    /// The Go openusage's account keys this entry holds, in the order of
    /// [`go::ACCOUNT`].
    pub fn go_keys(&self) -> impl Iterator<Item = &'static str> {
        let keys = [
            &self.auth,
            &self.api_key_env,
            &self.probe_model,
            &self.browser_cookie,
            &self.binary,
            &self.base_url,
            &self.provider_paths,
            &self.paths,
        ];
        go::ACCOUNT
            .iter()
            .zip(keys)
            .filter(|(_, value)| value.is_some())
            .map(|(name, _)| *name)
    }
}

/// Why the document could not be read: where in it (`accounts[0].id`, or
/// empty) and the problem.
pub(super) enum Problem {
    /// Not JSON, or not of the settings' shape, at a line and column.
    Json(String, serde_json::Error),
    /// Well-formed JSON that is not an object (`an array`).
    NotAnObject(&'static str),
}

/// The UTF-8 byte order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses the document (after a byte order mark, if any); on failure, where
/// and why. An unknown key's message names the key and, when a known one is
/// close, says "did you mean" it.
pub(super) fn parse(bytes: &[u8]) -> Result<SettingsFile, Problem> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if !starts_an_object(bytes) {
        return Err(not_an_object(bytes));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let file = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let place = known_place(e.path());
        let inner = e.into_inner();
        Problem::Json(place, inner)
    })?;
    de.end().map_err(|e| Problem::Json(String::new(), e))?;
    Ok(file)
}

/// Whether the first character after JSON's white space opens an object
/// (an empty file counts: the parse then says it ended too soon). serde
/// would read an array as a struct's fields in order, so `[]` would pass
/// for empty settings: anything else is refused before it gets there.
fn starts_an_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .is_none_or(|b| *b == b'{')
}

/// What a document that is not an object is, or where it stops being JSON.
fn not_an_object(bytes: &[u8]) -> Problem {
    use serde_json::Value;
    match serde_json::from_slice(bytes) {
        Err(e) => Problem::Json(String::new(), e),
        Ok(Value::Null) => Problem::NotAnObject("null"),
        Ok(Value::Bool(_)) => Problem::NotAnObject("a boolean"),
        Ok(Value::Number(_)) => Problem::NotAnObject("a number"),
        Ok(Value::String(_)) => Problem::NotAnObject("a string"),
        Ok(Value::Array(_)) => Problem::NotAnObject("an array"),
        // Cannot be: its first character is no `{`.
        Ok(Value::Object(_)) => Problem::NotAnObject("an object"),
    }
}

/// The path to the error, without the `?` serde_path_to_error writes for a
/// key it did not get to read (`accounts[0].?`).
fn known_place(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    let known = text.strip_suffix('?').unwrap_or(&text);
    known.strip_suffix('.').unwrap_or(known).to_owned()
}

/// serde_json's message without the position it appends (we print it up
/// front), an unknown key's made plainer and given its hint.
pub(super) fn message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let text = text.strip_suffix(&suffix).unwrap_or(&text);
    hint::unknown_key(text).unwrap_or_else(|| text.to_owned())
}

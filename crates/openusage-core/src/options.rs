//! Reading an account's `extra` options: typed, each error naming its key.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::provider::{AccountError, LoadContext};
use crate::settings::AccountConfig;

/// Fails on the first key of `extra` that is not in `known`.
pub fn only_known(
    config: &AccountConfig,
    provider: &str,
    known: &[&str],
) -> Result<(), AccountError> {
    let Some(key) = config.extra.keys().find(|k| !known.contains(&k.as_str())) else {
        return Ok(());
    };
    let message = match crate::settings::closest(key, known.iter().copied()) {
        Some(near) => format!("unknown option; did you mean `{near}`?"),
        None => format!(
            "unknown option (the {provider} provider knows: {})",
            known.join(", ")
        ),
    };
    Err(AccountError::new(format!("extra.{key}"), message))
}

/// The directory option `key`, resolved: `~` and `~/` expand to the home
/// directory, a relative path is taken from the settings file's directory
/// (else the working directory). `None` when the option is absent. A path
/// that exists but is not a directory is an error; one that does not exist
/// is not (the account then reports that nothing was found).
pub fn directory(
    config: &AccountConfig,
    key: &str,
    ctx: &LoadContext<'_>,
) -> Result<Option<PathBuf>, AccountError> {
    match config.extra.get(key) {
        None => Ok(None),
        Some(value) => one_directory(value, &format!("extra.{key}"), ctx).map(Some),
    }
}

/// The list-of-directories option `key` (`extra_dirs`), each entry resolved
/// and checked as [`directory`] does; empty when the option is absent.
pub fn directories(
    config: &AccountConfig,
    key: &str,
    ctx: &LoadContext<'_>,
) -> Result<Vec<PathBuf>, AccountError> {
    match config.extra.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(entries)) => entries
            .iter()
            .enumerate()
            .map(|(i, value)| one_directory(value, &format!("extra.{key}[{i}]"), ctx))
            .collect(),
        Some(other) => Err(AccountError::new(
            format!("extra.{key}"),
            format!(
                "expected an array of directory paths, found {}",
                type_name(other)
            ),
        )),
    }
}

fn one_directory(
    value: &Value,
    place: &str,
    ctx: &LoadContext<'_>,
) -> Result<PathBuf, AccountError> {
    match value {
        Value::String(dir) if dir.trim().is_empty() => Err(AccountError::new(place, "is empty")),
        Value::String(dir) => {
            let path = resolve(ctx, dir);
            // A missing directory is a status the account shows; a file where
            // a directory should be is a mistake in the settings.
            if path.exists() && !path.is_dir() {
                let message = format!("{} is not a directory", path.display());
                return Err(AccountError::new(place, message));
            }
            Ok(path)
        }
        other => Err(AccountError::new(
            place,
            format!(
                "expected a string (a directory path), found {}",
                type_name(other)
            ),
        )),
    }
}

fn resolve(ctx: &LoadContext<'_>, dir: &str) -> PathBuf {
    let path = ctx.env.expand_tilde(Path::new(dir));
    if path.is_absolute() {
        return path;
    }
    ctx.base_dir.unwrap_or(ctx.env.cwd()).join(path)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    fn config(extra: Value) -> AccountConfig {
        let mut c = AccountConfig::new("work", "pi");
        c.extra = serde_json::from_value(extra).unwrap();
        c
    }

    #[test]
    fn directories_expand_tilde_and_resolve_against_the_settings_dir() {
        let env = Env::new("/home/alice").with_cwd("/work");
        let with_base = LoadContext {
            env: &env,
            base_dir: Some(Path::new("/conf")),
        };
        let without = LoadContext {
            env: &env,
            base_dir: None,
        };
        let dir = |v: &str, ctx: &LoadContext<'_>| {
            directory(&config(serde_json::json!({ "d": v })), "d", ctx).unwrap()
        };
        assert_eq!(dir("~/s", &with_base), Some(PathBuf::from("/home/alice/s")));
        assert_eq!(dir("~", &with_base), Some(PathBuf::from("/home/alice")));
        assert_eq!(dir("rel/s", &with_base), Some(PathBuf::from("/conf/rel/s")));
        assert_eq!(dir("rel", &without), Some(PathBuf::from("/work/rel")));
        assert_eq!(dir("/abs", &with_base), Some(PathBuf::from("/abs")));
        assert_eq!(
            directory(&config(serde_json::json!({})), "d", &without).unwrap(),
            None
        );
    }

    #[test]
    fn bad_values_and_unknown_keys_name_the_key() {
        let env = Env::new("/h");
        let ctx = LoadContext {
            env: &env,
            base_dir: None,
        };
        let err = directory(&config(serde_json::json!({"d": 5})), "d", &ctx).unwrap_err();
        assert_eq!(
            (err.key.as_str(), err.message.as_str()),
            (
                "extra.d",
                "expected a string (a directory path), found a number"
            )
        );
        assert_eq!(
            directory(&config(serde_json::json!({"d": " "})), "d", &ctx)
                .unwrap_err()
                .message,
            "is empty"
        );
        let err = only_known(
            &config(serde_json::json!({"d": "x", "typo": 1})),
            "pi",
            &["d"],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra.typo: unknown option (the pi provider knows: d)"
        );
        let err = only_known(
            &config(serde_json::json!({"session_dir": "x"})),
            "pi",
            &["sessions_dir", "extra_dirs"],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra.session_dir: unknown option; did you mean `sessions_dir`?"
        );
    }

    #[test]
    fn a_directory_list_resolves_each_entry_and_names_a_bad_one_by_index() {
        let env = Env::new("/home/alice");
        let ctx = LoadContext {
            env: &env,
            base_dir: Some(Path::new("/conf")),
        };
        let list =
            |v: serde_json::Value| directories(&config(serde_json::json!({ "l": v })), "l", &ctx);
        assert_eq!(
            list(serde_json::json!(["~/a", "b"])).unwrap(),
            [PathBuf::from("/home/alice/a"), PathBuf::from("/conf/b")]
        );
        assert_eq!(
            directories(&config(serde_json::json!({})), "l", &ctx).unwrap(),
            Vec::<PathBuf>::new()
        );
        let err = list(serde_json::json!(["/ok", 3])).unwrap_err();
        assert_eq!(err.key, "extra.l[1]");
        let err = list(serde_json::json!("/not/a/list")).unwrap_err();
        assert_eq!(
            (err.key.as_str(), err.message.as_str()),
            (
                "extra.l",
                "expected an array of directory paths, found a string"
            )
        );
    }
}

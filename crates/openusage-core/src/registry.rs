//! The providers the host knows, and the accounts they serve.
//!
//! Adding a provider is one `register` call; nothing else in the host names
//! a provider.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::provider::{
    About, AccountReader, CollectContext, Collected, Detection, LoadContext, Provider, Watched,
};
use crate::settings::{AccountConfig, Settings, SettingsError};

/// Every provider the host can show, in display order.
#[derive(Default)]
pub struct Registry {
    providers: Vec<Box<dyn Provider>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.providers.iter().map(|p| p.id()))
            .finish()
    }
}

/// Where an account came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Found on this machine by its provider's detection.
    Detected,
    /// Named in the settings file.
    Configured,
}

impl Source {
    /// `detected` or `configured`, as the JSON contract writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Detected => "detected",
            Source::Configured => "configured",
        }
    }
}

/// An account bound to the provider that reads it, ready to collect.
pub struct Account {
    /// The account's settings entry (made up for a detected account).
    pub config: AccountConfig,
    /// Where the account came from.
    pub source: Source,
    reader: Box<dyn AccountReader>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("config", &self.config)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// The data directories the account reads that exist now.
    pub fn dirs(&self, env: &Env) -> Vec<PathBuf> {
        self.reader.dirs(env)
    }

    /// Where a change may change what the account reads
    /// ([`AccountReader::watched`]).
    pub fn watched(&self, env: &Env) -> Vec<Watched> {
        self.reader.watched(env)
    }

    /// The provider's reader of this account.
    pub fn reader(&self) -> &dyn AccountReader {
        &*self.reader
    }

    /// Reads the account's data now. An account keeps what it learnt of
    /// the files between calls, so a second collect re-reads only what
    /// changed; with a cache directory in `ctx`, the first collect starts
    /// from what a previous run saved there.
    pub fn collect(&self, ctx: &CollectContext<'_>) -> Collected {
        self.reader.collect(ctx)
    }

    /// Saves what the account learnt of its files under `cache_dir`.
    pub fn save(&self, cache_dir: &Path) -> std::io::Result<()> {
        self.reader.save(cache_dir)
    }
}

impl Registry {
    /// A registry with no providers.
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a provider; the order of calls is the display order.
    pub fn register(&mut self, provider: impl Provider) -> &mut Self {
        self.providers.push(Box::new(provider));
        self
    }

    /// The providers, in display order.
    pub fn providers(&self) -> impl Iterator<Item = &dyn Provider> {
        self.providers.iter().map(|p| &**p)
    }

    /// What each provider says of itself, in display order.
    pub fn about(&self) -> Vec<About> {
        self.providers().map(About::of).collect()
    }

    /// The provider of id `id`.
    pub fn provider(&self, id: &str) -> Option<&dyn Provider> {
        self.providers().find(|p| p.id() == id)
    }

    /// Provider ids, in display order.
    pub fn ids(&self) -> Vec<&'static str> {
        self.providers.iter().map(|p| p.id()).collect()
    }

    /// Runs every provider's detection.
    pub fn detect(&self, env: &Env) -> Vec<(&'static str, Detection)> {
        self.providers
            .iter()
            .map(|p| (p.id(), p.detect(env)))
            .collect()
    }

    /// The accounts to show: detected accounts (unless the settings turn
    /// detection off), each replaced in place by a configured account with
    /// the same id, then the other configured accounts in file order. Every configured entry is validated by its
    /// provider; the first bad one is the error.
    pub fn accounts(&self, env: &Env, settings: &Settings) -> Result<Vec<Account>, SettingsError> {
        let mut configured: Vec<Option<Account>> = Vec::new();
        for (i, config) in settings.accounts.iter().enumerate() {
            configured.push(Some(self.load_configured(i, config, env, settings)?));
        }
        let mut accounts = Vec::new();
        let detections = if settings.detect {
            self.detect(env)
        } else {
            Vec::new()
        };
        for (_, detection) in detections {
            for detected in detection.accounts {
                let replaced = configured
                    .iter_mut()
                    .find(|c| c.as_ref().is_some_and(|c| c.config.id == detected.id))
                    .and_then(Option::take);
                if let Some(account) = replaced {
                    accounts.push(account);
                } else if let Some(account) = self.load_detected(detected, env) {
                    accounts.push(account);
                }
            }
        }
        accounts.extend(configured.into_iter().flatten());
        Ok(accounts)
    }

    /// The account a provider reads when nothing was detected or configured
    /// for it: id = provider id, no options.
    pub fn default_account(&self, provider_id: &str, env: &Env) -> Option<Account> {
        self.load_detected(AccountConfig::new(provider_id, provider_id), env)
    }

    fn load_configured(
        &self,
        index: usize,
        config: &AccountConfig,
        env: &Env,
        settings: &Settings,
    ) -> Result<Account, SettingsError> {
        let path = settings.path.clone().unwrap_or_default();
        let index = settings.account_index(index);
        let place = format!("accounts[{index}] (id {:?})", config.id);
        let Some(provider) = self.provider(&config.provider) else {
            return Err(SettingsError::Invalid {
                path,
                place: format!("{place}, provider"),
                message: format!(
                    "unknown provider {:?} (known: {})",
                    config.provider,
                    self.ids().join(", ")
                ),
            });
        };
        let ctx = LoadContext {
            env,
            base_dir: settings.base_dir(),
        };
        let reader = provider
            .load_account(config, &ctx)
            .map_err(|e| SettingsError::Invalid {
                path,
                place: format!("{place}, {}", e.key),
                message: e.message,
            })?;
        Ok(Account {
            config: config.clone(),
            source: Source::Configured,
            reader,
        })
    }

    fn load_detected(&self, config: AccountConfig, env: &Env) -> Option<Account> {
        let provider = self.provider(&config.provider)?;
        let ctx = LoadContext {
            env,
            base_dir: None,
        };
        // A provider that cannot load what it detected itself has a bug;
        // leaving the account out is better than failing every command.
        let reader = provider.load_account(&config, &ctx).ok()?;
        Some(Account {
            config,
            source: Source::Detected,
            reader,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::provider::{AccountError, Progress};
    use crate::snapshot::{Snapshot, Status};

    /// A provider that detects one account `fake` and echoes its `extra.label`.
    #[derive(Debug)]
    struct Fake;

    #[derive(Debug)]
    struct FakeAccount(String, String);

    impl Provider for Fake {
        fn id(&self) -> &'static str {
            "fake"
        }
        fn name(&self) -> &'static str {
            "Fake"
        }
        fn looks_in(&self) -> &'static str {
            "/d"
        }
        fn detect(&self, _: &Env) -> Detection {
            Detection {
                accounts: vec![AccountConfig::new("fake", "fake")],
                tools: vec![],
            }
        }
        fn load_account(
            &self,
            c: &AccountConfig,
            _: &LoadContext<'_>,
        ) -> Result<Box<dyn AccountReader>, AccountError> {
            let label = match c.extra.get("label") {
                None => "detected".to_owned(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(_) => return Err(AccountError::new("extra.label", "expected a string")),
            };
            Ok(Box::new(FakeAccount(c.id.clone(), label)))
        }
    }

    impl AccountReader for FakeAccount {
        fn dirs(&self, _: &Env) -> Vec<PathBuf> {
            vec![PathBuf::from("/d")]
        }
        fn collect(&self, ctx: &CollectContext<'_>) -> Collected {
            let now = ctx.clock.now();
            Collected::empty(Snapshot::new(
                "fake",
                &self.0,
                now,
                Status::Ok,
                self.1.clone(),
            ))
        }
    }

    fn settings(json: serde_json::Value) -> Settings {
        Settings {
            path: Some(PathBuf::from("/conf/settings.json")),
            accounts: serde_json::from_value(json).unwrap(),
            ..Settings::default()
        }
    }

    fn messages(accounts: &[Account]) -> Vec<(String, String)> {
        let clock = FixedClock(chrono::DateTime::UNIX_EPOCH);
        accounts
            .iter()
            .map(|a| {
                let progress = Progress::default();
                let env = Env::new("/h");
                let s = a
                    .collect(&CollectContext::new(&env, &clock, &progress))
                    .snapshot;
                (s.account_id, s.message)
            })
            .collect()
    }

    #[test]
    fn configured_accounts_replace_detected_ones_by_id_and_others_follow() {
        let mut reg = Registry::new();
        reg.register(Fake);
        let s = settings(serde_json::json!([
            {"id": "extra", "provider": "fake", "extra": {"label": "second"}},
            {"id": "fake", "provider": "fake", "extra": {"label": "mine"}},
        ]));
        let accounts = reg.accounts(&Env::new("/h"), &s).unwrap();
        assert_eq!(
            messages(&accounts),
            [
                ("fake".into(), "mine".into()),
                ("extra".into(), "second".into())
            ]
        );
        assert_eq!(accounts[0].source, Source::Configured);
    }

    #[test]
    fn with_detection_off_only_configured_accounts_are_shown() {
        let mut reg = Registry::new();
        reg.register(Fake);
        let mut s = settings(serde_json::json!([{"id": "extra", "provider": "fake"}]));
        s.detect = false;
        let accounts = reg.accounts(&Env::new("/h"), &s).unwrap();
        assert_eq!(messages(&accounts), [("extra".into(), "detected".into())]);
    }

    #[test]
    fn unknown_providers_and_bad_extras_name_the_account_and_key() {
        let mut reg = Registry::new();
        reg.register(Fake);
        let e = reg
            .accounts(
                &Env::new("/h"),
                &settings(serde_json::json!([{"id": "x", "provider": "nope"}])),
            )
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            r#"settings file /conf/settings.json: accounts[0] (id "x"), provider: unknown provider "nope" (known: fake)"#
        );
        let e = reg
            .accounts(
                &Env::new("/h"),
                &settings(
                    serde_json::json!([{"id": "x", "provider": "fake", "extra": {"label": 3}}]),
                ),
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with(r#"accounts[0] (id "x"), extra.label: expected a string"#),
            "{e}"
        );
    }

    #[test]
    fn a_default_account_exists_for_every_provider() {
        let mut reg = Registry::new();
        reg.register(Fake);
        let account = reg.default_account("fake", &Env::new("/h")).unwrap();
        assert_eq!(account.config.id, "fake");
        assert!(reg.default_account("other", &Env::new("/h")).is_none());
    }
}

//! The Go openusage (github.com/janekbaraniewski/openusage, read at v0.24.4:
//! `internal/config/config.go`, `internal/core/provider.go`,
//! `internal/providers/registry.go`) reads the same file,
//! `~/.config/openusage/settings.json`, and writes keys this tool has no use
//! for. They are accepted so that its users' file works here unchanged:
//! `auto_detect` is read as `detect`, `ui.refresh_interval_seconds` is ours
//! too, and everything else of it is ignored with one note naming it.

use std::path::Path;

use super::shape::RawAccount;
use crate::settings::AccountConfig;

/// Its top-level keys that mean nothing here, in the order its `Config`
/// declares them (`ui`, `auto_detect` and `accounts` are read).
pub(super) const TOP_LEVEL: &[&str] = &[
    "theme",
    "data",
    "experimental",
    "telemetry",
    "dashboard",
    "model_normalization",
    "auto_detected_accounts",
    "integrations",
    "export",
    "hub",
    "tmux",
];

/// Its `ui` keys that mean nothing here (the gauges' thresholds).
pub(super) const UI: &[&str] = &["warn_threshold", "crit_threshold"];

/// Its account keys besides `id` and `provider`: credentials, binaries,
/// URLs and its providers' own paths, none of which this tool reads.
pub(super) const ACCOUNT: &[&str] = &[
    "auth",
    "api_key_env",
    "probe_model",
    "browser_cookie",
    "binary",
    "base_url",
    "provider_paths",
    "paths",
];

/// Its provider ids (`AllProviders`). An account of one of them that this
/// tool does not have is skipped; `pi`, `codex` and `claude_code` are the
/// same agents under the same ids here, so their accounts are read.
pub(super) const PROVIDERS: &[&str] = &[
    "openai",
    "anthropic",
    "azure_openai",
    "alibaba_cloud",
    "openrouter",
    "perplexity",
    "groq",
    "mistral",
    "moonshot",
    "deepseek",
    "xai",
    "zai",
    "opencode",
    "gemini_api",
    "gemini_cli",
    "ollama",
    "copilot",
    "cursor",
    "claude_code",
    "codex",
    "amp",
    "goose",
    "hermes",
    "mux",
    "droid",
    "crush",
    "roocode",
    "kilo_code",
    "kiro_cli",
    "zed",
    "codebuff",
    "kimi_cli",
    "openclaw",
    "pi",
    "qwen_cli",
];

/// Whether `key` is one of the Go openusage's keys that are ignored here, at
/// any level (hints list the keys that do something).
pub(super) fn is_ignored_key(key: &str) -> bool {
    [TOP_LEVEL, UI, ACCOUNT]
        .iter()
        .any(|keys| keys.contains(&key))
}

/// What of the Go openusage's settings a file holds, by place
/// (`theme`, `ui.warn_threshold`, `accounts[2] (provider "openai")`).
pub(super) type Ignored = Vec<String>;

/// The accounts to read, each with its index in the file's `accounts[]`:
/// an account of a provider only the Go openusage has is skipped and
/// noted, as is every Go account key of the others. An account of a
/// provider neither tool knows is kept, for the registry to refuse.
pub(super) fn accounts(
    raw: Vec<RawAccount>,
    providers: &[&str],
    ignored: &mut Ignored,
) -> Vec<(usize, AccountConfig)> {
    let mut kept = Vec::new();
    for (i, account) in raw.into_iter().enumerate() {
        let provider = account.provider.as_str();
        if !providers.contains(&provider) {
            // The list is fixed, so what is quoted here is never hostile.
            if let Some(known) = PROVIDERS.iter().find(|p| **p == provider) {
                ignored.push(format!("accounts[{i}] (provider {known:?})"));
                continue;
            }
        }
        ignored.extend(account.go_keys().map(|key| format!("accounts[{i}].{key}")));
        kept.push((
            i,
            AccountConfig {
                id: account.id,
                provider: account.provider,
                extra: account.extra,
            },
        ));
    }
    kept
}

/// The most places one note names; a file with more (thousands of accounts
/// of other providers) gets "and N more", so the note stays one line.
const MAX_NAMED: usize = 24;

/// The one note about what was ignored, when anything was.
pub(super) fn note(path: &Path, ignored: &Ignored) -> Option<String> {
    if ignored.is_empty() {
        return None;
    }
    let mut named = ignored[..ignored.len().min(MAX_NAMED)].join(", ");
    if ignored.len() > MAX_NAMED {
        named.push_str(&format!(" and {} more", ignored.len() - MAX_NAMED));
    }
    Some(format!(
        "{}: ignoring what only the Go openusage reads: {named}",
        path.display()
    ))
}

//! What Claude Code's `statusLine` command passes on stdin (a JSON object
//! naming the session and the model; see
//! <https://code.claude.com/docs/en/statusline>), read without ever
//! waiting long: a status line that hangs on a terminal or on a pipe
//! nobody writes to would freeze the bar it is drawn in.

use std::io::Read;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde::Deserialize;

/// How long stdin may take to arrive and close. Claude Code writes the
/// object and closes at once; a terminal or a silent pipe costs this much.
pub const WAIT: Duration = Duration::from_millis(300);
/// The most of stdin read: the object is a few hundred bytes.
const MOST: u64 = 1 << 20;

/// The fields used; every other one is ignored.
#[derive(Debug, Default, Deserialize)]
pub struct Given {
    pub session_id: Option<String>,
    pub model: Option<GivenModel>,
}

#[derive(Debug, Default, Deserialize)]
pub struct GivenModel {
    pub id: Option<String>,
    pub display_name: Option<String>,
}

impl Given {
    /// The model as Claude Code shows it (`Opus`), else its id.
    pub fn model(&self) -> Option<&str> {
        let model = self.model.as_ref()?;
        model.display_name.as_deref().or(model.id.as_deref())
    }
}

/// `bytes` read as the object; `None` (with a note for stderr) when they
/// are not one.
pub fn parse(bytes: &[u8]) -> (Option<Given>, Option<String>) {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (None, None);
    }
    match serde_json::from_slice::<Given>(bytes) {
        Ok(given) => (Some(given), None),
        Err(e) => (None, Some(format!("stdin held no statusLine object: {e}"))),
    }
}

/// Up to 1 MiB of `input`, if it ends (EOF) within `wait`. The reading
/// thread is left behind when it does not: it ends with the process.
pub fn read_within(mut input: impl Read + Send + 'static, wait: Duration) -> Option<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let read = (&mut input).take(MOST).read_to_end(&mut bytes);
        // The receiver may have given up; nothing is lost then.
        let _ = tx.send(read.map(|_| bytes));
    });
    rx.recv_timeout(wait).ok()?.ok()
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read};
    use std::time::{Duration, Instant};

    use super::{parse, read_within};

    /// A reader that never returns, as a terminal nobody types into.
    struct Silent;
    impl Read for Silent {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            std::thread::sleep(Duration::from_secs(3600));
            Ok(0)
        }
    }

    #[test]
    fn a_silent_stdin_is_given_up_after_the_wait() {
        let start = Instant::now();
        assert!(read_within(Silent, Duration::from_millis(50)).is_none());
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn what_arrives_in_time_is_read_whole() {
        let bytes = read_within(
            io::Cursor::new(b"{\"a\":1}".to_vec()),
            Duration::from_secs(30),
        );
        assert_eq!(bytes.as_deref(), Some(&b"{\"a\":1}"[..]));
    }

    #[test]
    fn the_session_and_the_model_name_are_taken_and_the_rest_ignored() {
        let text = br#"{"hook_event_name":"Status","session_id":"abc","cwd":"/w",
            "model":{"id":"claude-opus-4-1","display_name":"Opus"},"cost":{"total_cost_usd":1}}"#;
        let (given, note) = parse(text);
        let given = given.unwrap();
        assert_eq!(given.session_id.as_deref(), Some("abc"));
        assert_eq!(given.model(), Some("Opus"));
        assert!(note.is_none());
        // No display name: the id.
        let (given, _) = parse(br#"{"model":{"id":"gpt-5"}}"#);
        assert_eq!(given.unwrap().model(), Some("gpt-5"));
    }

    #[test]
    fn nothing_is_no_object_and_no_note_but_garbage_is_a_note() {
        assert!(matches!(parse(b"  \n"), (None, None)));
        let (given, note) = parse(b"[1, 2]");
        assert!(given.is_none());
        assert!(note.unwrap().contains("no statusLine object"));
    }
}

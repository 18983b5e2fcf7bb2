//! One function per kind of entry: what it says, how long it is, and when.
//! Each appends one line (or, for a tool round, an assistant line and its
//! results) to a transcript.
//!
//! Sizes are drawn from long-tailed ranges and then scaled by the byte-mix
//! steering of their class (see `mix.rs`), so the corpus holds its shares
//! whatever the draws.

use std::io;

use crate::catalog::{AGENTS, MODELS, THINKING_LEVELS, TOOL_WEIGHTS, TOOLS, Tool};
use crate::corpus::Corpus;
use crate::ids::push_tool_call_id;
use crate::json::open_field;
use crate::layout::Store;
use crate::lines::{self, Ending, member, num_member, str_member};
use crate::mix::{Class, Mix};
use crate::rng::Rng;
use crate::session::{self, Transcript};
use crate::text::{NEWLINE, Texts};
use crate::time::{MINUTE, SECOND};
use crate::usage::Usage;

/// Tokens a model's context holds before Pi compacts it.
const CONTEXT_LIMIT: u64 = 180_000;
/// Tokens an inline image costs in the prompt.
const IMAGE_TOKENS: u64 = 1_600;
/// Tool results are 0.5 to 40 KB.
const RESULT_MIN: u64 = 512;
const RESULT_MAX: u64 = 40 << 10;

/// A size drawn in `lo..=hi` (crowded toward `lo`), scaled by the steering
/// of `class`, kept within `lo / 2 ..= 2 * hi`.
fn sized(rng: &mut Rng, mix: &Mix, class: Class, lo: u64, hi: u64) -> usize {
    let drawn = rng.skewed(lo, hi, 2) as f64 * mix.steer(class);
    (drawn as u64).clamp(lo / 2, 2 * hi) as usize
}

/// A session's first entries: the model and thinking level it starts with.
/// The system prompt and tool definitions (never written to the file) are
/// the first request's fresh tokens.
pub fn opening(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    t.fresh += c.rng.range(4_000, 14_000);
    model_change(c, t, t.model)?;
    let delay = c.rng.range(1, 40);
    thinking_level(c, t, delay)
}

/// Non-message entries slipped in while their class is behind its share,
/// each with probability `p`: model and thinking-level changes, labels,
/// renames, extension state, compactions.
pub fn asides(c: &mut Corpus, t: &mut Transcript, p: f64) -> io::Result<()> {
    // Weights: model change, thinking level, label, rename, extension
    // state, compaction (the last two carry most of the bytes).
    const WEIGHTS: [u32; 6] = [12, 12, 12, 8, 30, 26];
    while c.mix.behind(Class::Other) && c.rng.chance(p) {
        match c.rng.weighted(&WEIGHTS) {
            0 => {
                let model = c.pick_model();
                model_change(c, t, model)?;
            }
            1 => {
                let delay = c.rng.range(200, 5_000);
                thinking_level(c, t, delay)?;
            }
            2 => label(c, t)?,
            3 => rename(c, t)?,
            4 => custom(c, t)?,
            _ => compaction(c, t)?,
        }
    }
    Ok(())
}

/// Switches the transcript to `model` (index into [`MODELS`]).
fn model_change(c: &mut Corpus, t: &mut Transcript, model: usize) -> io::Result<()> {
    t.model = model;
    let head = t.next_head(c.rng.range(5, 2_000) as i64);
    match t.store {
        Store::Pi => lines::pi_model_change(&mut c.buf, &head, &MODELS[model]),
        Store::Omp => lines::omp_model_change(&mut c.buf, &head, &MODELS[model]),
    }
    t.emit(c, Class::Other)?;
    Ok(())
}

/// A `thinking_level_change` `delay_ms` after the latest entry.
fn thinking_level(c: &mut Corpus, t: &mut Transcript, delay_ms: u64) -> io::Result<()> {
    let head = t.next_head(delay_ms as i64);
    let level = *c.rng.pick(&THINKING_LEVELS);
    lines::thinking_level_change(&mut c.buf, &head, level);
    t.emit(c, Class::Other)?;
    Ok(())
}

/// A label on the latest assistant turn (extension state when there is
/// none yet).
fn label(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let Some(target) = t.last_assistant else {
        return custom(c, t);
    };
    let head = t.next_head(c.rng.range(1_000, 60_000) as i64);
    let name = format!("checkpoint-{}", c.rng.range(1, 40));
    lines::label(&mut c.buf, &head, target, &name);
    t.emit(c, Class::Other)?;
    Ok(())
}

/// The session named by hand: Pi's `session_info`, Oh My Pi's
/// `title_change`.
fn rename(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let head = t.next_head(c.rng.range(1_000, 60_000) as i64);
    let mut name = Vec::new();
    c.texts.push_title(&mut c.rng, &mut name);
    lines::rename(&mut c.buf, &head, t.store == Store::Omp, &name);
    t.emit(c, Class::Other)?;
    Ok(())
}

/// Extension state: a preset, a todo list, a plan.
fn custom(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let head = t.next_head(c.rng.range(10, 3_000) as i64);
    let kind = *c
        .rng
        .pick(&["preset-state", "todo", "plan-mode", "git-checkpoint"]);
    let size = sized(&mut c.rng, &c.mix, Class::Other, 100, 3_000);
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::custom(buf, &head, kind, |buf| {
        str_member(buf, "name", kind);
        num_member(buf, "revision", rng.range(1, 30));
        member(buf, "state", |buf| texts.push_prose(rng, buf, size));
    });
    t.emit(c, Class::Other)?;
    Ok(())
}

/// A compaction: a summary of the conversation, after which the context
/// is small again. It is appended; the older entries stay.
fn compaction(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let Some(first_kept) = t.last_user else {
        return custom(c, t);
    };
    let head = t.next_head(c.rng.range(5_000, 60_000) as i64);
    let size = sized(&mut c.rng, &c.mix, Class::Other, 800, 8_000);
    let before = t.context + t.fresh;
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::compaction(buf, &head, first_kept, before, |buf| {
        texts.push_prose(rng, buf, size)
    });
    t.emit(c, Class::Other)?;
    t.context = c.rng.range(3_000, 9_000);
    t.fresh = 0;
    Ok(())
}

/// Oh My Pi's `session_init`, opening a sub-agent transcript with its
/// system prompt.
pub fn session_init(c: &mut Corpus, t: &mut Transcript, agent: &str) -> io::Result<()> {
    let head = t.next_head(c.rng.range(1, 50) as i64);
    let size = c.rng.skewed(1_500, 6_000, 2) as usize;
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::session_init(buf, &head, agent, |buf| texts.push_prose(rng, buf, size));
    t.emit(c, Class::Other)?;
    t.fresh += size as u64 / 4;
    Ok(())
}

/// A user message: a request, sometimes with pasted code or a log, and
/// `image` base64 characters of a pasted screenshot when given.
pub fn user(c: &mut Corpus, t: &mut Transcript, image: Option<usize>) -> io::Result<()> {
    let head = t.next_head(c.rng.skewed(5 * SECOND as u64, 15 * MINUTE as u64, 3) as i64);
    let ask = c.rng.skewed(30, 800, 2) as usize;
    let paste = c
        .rng
        .chance(0.2)
        .then(|| sized(&mut c.rng, &c.mix, Class::Content, 500, 10_000));
    let plain = image.is_none() && c.rng.chance(0.1);
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::open_message(buf, &head, "user");
    let mut body = |buf: &mut Vec<u8>| {
        texts.push_prose(rng, buf, ask);
        if let Some(paste) = paste {
            buf.extend_from_slice(b"\\n\\n```\\n");
            texts.push_log(rng, buf, paste);
            buf.extend_from_slice(b"\\n```");
        }
    };
    if plain {
        open_field(buf, "content");
        body(buf);
        buf.push(b'"');
    } else {
        lines::open_content(buf);
        lines::text_block(buf, body);
        if let Some(bytes) = image {
            lines::image_block(buf, rng, bytes);
        }
        lines::close_content(buf);
    }
    lines::close_message(buf, head.ms - rng.range(1, 30) as i64);
    let n = t.emit(c, Class::Content)?;
    t.last_user = Some(head.id);
    note_content(c, t, n, image.is_some());
    Ok(())
}

/// Counts a user or tool result line into the next prompt, and an image
/// line into the totals.
fn note_content(c: &mut Corpus, t: &mut Transcript, bytes: u64, image: bool) {
    if image {
        t.fresh += IMAGE_TOKENS;
        t.images += 1;
        c.stats.image_lines += 1;
    } else {
        t.fresh += bytes / 4;
    }
}

/// What an assistant message will hold, decided before it is written:
/// its timing and usage depend on its size.
#[derive(Debug)]
struct Reply {
    thinking: usize,
    text: usize,
    calls: Vec<Call>,
    stop: &'static str,
    error: Option<&'static str>,
}

/// One tool call and its result to come.
#[derive(Debug)]
struct Call {
    id: Vec<u8>,
    what: Callee,
    /// Bytes of code in the arguments (edit, write).
    code: usize,
}

#[derive(Debug)]
enum Callee {
    Tool(Tool),
    /// An Oh My Pi sub-agent, by transcript name.
    Task(String),
}

impl Reply {
    /// Output tokens: about four bytes each, plus some.
    fn output(&self, rng: &mut Rng) -> u64 {
        let code: usize = self.calls.iter().map(|call| call.code + 40).sum();
        (self.thinking + self.text + code) as u64 / 4 + rng.range(5, 80)
    }
}

/// An assistant message that calls tools, then their results. `image`
/// (base64 characters) makes the one call a `read` of an image file.
pub fn tool_round(c: &mut Corpus, t: &mut Transcript, image: Option<usize>) -> io::Result<()> {
    if t.context + t.fresh > CONTEXT_LIMIT {
        compaction(c, t)?;
    }
    asides(c, t, 0.2)?;
    if c.rng.chance(0.01) {
        overloaded(c, t)?;
    }
    let reply = calling_reply(c, t, image.is_some());
    assistant(c, t, &reply)?;
    for call in &reply.calls {
        match &call.what {
            Callee::Tool(tool) => tool_result(c, t, call, *tool, image)?,
            Callee::Task(name) => task(c, t, call, name)?,
        }
    }
    Ok(())
}

/// A final answer, ending the exchange.
pub fn answer(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let reply = Reply {
        thinking: thinking_size(c, t),
        text: sized(&mut c.rng, &c.mix, Class::Assistant, 100, 3_000),
        calls: Vec::new(),
        stop: if c.rng.chance(0.02) { "length" } else { "stop" },
        error: None,
    };
    assistant(c, t, &reply)
}

/// A request that failed (Anthropic overloaded): no content, and the usage
/// counted before the failure, which Pi keeps in the file.
fn overloaded(c: &mut Corpus, t: &mut Transcript) -> io::Result<()> {
    let reply = Reply {
        thinking: 0,
        text: 0,
        calls: Vec::new(),
        stop: "error",
        error: Some(
            "529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
        ),
    };
    assistant(c, t, &reply)
}

/// Thinking bytes for the next turn (none for models that do not think,
/// and a quarter of the time for those that do).
fn thinking_size(c: &mut Corpus, t: &Transcript) -> usize {
    if t.model().thinks && c.rng.chance(0.75) {
        sized(&mut c.rng, &c.mix, Class::Assistant, 80, 4_000)
    } else {
        0
    }
}

/// The plan of an assistant message that calls tools: mostly one call,
/// sometimes two or three; in an Oh My Pi session, now and then one
/// sub-agent.
fn calling_reply(c: &mut Corpus, t: &Transcript, read_image: bool) -> Reply {
    let task = t.subagents.is_some() && !read_image && c.rng.chance(0.05);
    let count = if task || read_image {
        1
    } else {
        [1, 2, 3][c.rng.weighted(&[85, 12, 3])]
    };
    let calls = (0..count)
        .map(|_| new_call(c, t, task, read_image))
        .collect();
    Reply {
        thinking: thinking_size(c, t),
        text: if c.rng.chance(0.35) {
            c.rng.skewed(40, 600, 2) as usize
        } else {
            0
        },
        calls,
        stop: "toolUse",
        error: None,
    }
}

/// One call: a sub-agent `task`, a `read` of an image, or a tool drawn by
/// weight, with the size of the code its arguments carry.
fn new_call(c: &mut Corpus, t: &Transcript, task: bool, read_image: bool) -> Call {
    let mut id = Vec::new();
    push_tool_call_id(&mut id, &mut c.rng, t.model().provider);
    let what = if task {
        Callee::Task(subagent_name(c, t))
    } else if read_image {
        Callee::Tool(Tool::Read)
    } else {
        Callee::Tool(TOOLS[c.rng.weighted(&TOOL_WEIGHTS)])
    };
    let code = match what {
        Callee::Tool(Tool::Edit) => sized(&mut c.rng, &c.mix, Class::Assistant, 100, 3_000),
        Callee::Tool(Tool::Write) => sized(&mut c.rng, &c.mix, Class::Assistant, 400, 12_000),
        _ => 0,
    };
    Call { id, what, code }
}

/// The transcript name of the session's next sub-agent, unique within it:
/// `Explore`, then `Reviewer-2`, and so on.
fn subagent_name(c: &mut Corpus, t: &Transcript) -> String {
    let agent = *c.rng.pick(&AGENTS);
    match t.subagents.unwrap_or(0) {
        0 => agent.to_string(),
        n => format!("{agent}-{}", n + 1),
    }
}

/// Writes an assistant message: thinking, text and tool calls as planned,
/// then usage for the prompt so far, and the stop reason.
fn assistant(c: &mut Corpus, t: &mut Transcript, reply: &Reply) -> io::Result<()> {
    let model = t.model();
    let output = if reply.error.is_some() {
        1
    } else {
        reply.output(&mut c.rng)
    };
    let started = t.clock + c.rng.range(20, 400) as i64;
    let streamed = 600 + output as i64 * c.rng.range(6, 30) as i64;
    let head = t.next_head(started - t.clock + streamed);
    let usage = Usage::for_turn(&mut c.rng, model.style, t.context, t.fresh, output);
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::open_message(buf, &head, "assistant");
    lines::open_content(buf);
    if reply.thinking > 0 {
        let signature = rng.range(200, 1_200) as usize;
        lines::thinking_block(buf, rng, signature, |buf, rng| {
            texts.push_prose(rng, buf, reply.thinking);
        });
    }
    if reply.text > 0 {
        lines::text_block(buf, |buf| texts.push_prose(rng, buf, reply.text));
    }
    for call in &reply.calls {
        push_call(buf, rng, texts, call);
    }
    lines::close_content(buf);
    let ending = Ending {
        usage: &usage,
        stop_reason: reply.stop,
        error: reply.error,
        started_ms: started,
    };
    lines::close_assistant(buf, model, &ending);
    t.emit(c, Class::Assistant)?;
    t.context += t.fresh + output;
    t.fresh = 0;
    t.turns += 1;
    t.usage.add(&usage);
    t.last_assistant = t.last;
    t.mark();
    c.stats.assistant_turns += 1;
    c.stats.count_turn(&usage, model);
    Ok(())
}

/// A `toolCall` block with arguments in the tool's shape.
fn push_call(buf: &mut Vec<u8>, rng: &mut Rng, texts: &Texts, call: &Call) {
    let name = match &call.what {
        Callee::Task(_) => "task",
        Callee::Tool(tool) => tool.name(),
    };
    lines::tool_call_block(buf, &call.id, name, |buf| match &call.what {
        Callee::Task(agent) => {
            str_member(buf, "agent", agent);
            member(buf, "description", |buf| texts.push_prose(rng, buf, 40));
            member(buf, "prompt", |buf| texts.push_prose(rng, buf, 600));
        }
        Callee::Tool(tool) => tool_args(buf, rng, texts, *tool, call.code),
    });
}

/// The members of a tool's `arguments`; `code` sizes an edit's old and new
/// text, or a write's content.
fn tool_args(buf: &mut Vec<u8>, rng: &mut Rng, texts: &Texts, tool: Tool, code: usize) {
    let path = |buf: &mut Vec<u8>, rng: &mut Rng| {
        member(buf, "path", |buf| {
            buf.extend_from_slice(texts.paths.one(rng))
        });
    };
    match tool {
        Tool::Read => {
            path(buf, rng);
            if rng.chance(0.2) {
                num_member(buf, "offset", rng.range(1, 800));
                num_member(buf, "limit", 200);
            }
        }
        Tool::Bash => {
            member(buf, "command", |buf| {
                buf.extend_from_slice(texts.commands.one(rng))
            });
            num_member(buf, "timeout", 120);
        }
        Tool::Edit => {
            path(buf, rng);
            member(buf, "oldText", |buf| texts.push_code(rng, buf, code / 2));
            member(buf, "newText", |buf| texts.push_code(rng, buf, code / 2));
        }
        Tool::Write => {
            path(buf, rng);
            member(buf, "content", |buf| texts.push_code(rng, buf, code));
        }
        Tool::Grep => {
            member(buf, "pattern", |buf| texts.push_title(rng, buf));
            str_member(buf, "path", "src");
        }
        Tool::Ls => str_member(buf, "path", "."),
        Tool::Find => {
            str_member(buf, "pattern", "**/*.ts");
            str_member(buf, "path", ".");
        }
    }
}

/// A tool's result, 0.5 to 40 KB of what the tool prints; for `image`,
/// the image file read instead.
fn tool_result(
    c: &mut Corpus,
    t: &mut Transcript,
    call: &Call,
    tool: Tool,
    image: Option<usize>,
) -> io::Result<()> {
    let head = t.next_head(c.rng.skewed(30, 20 * SECOND as u64, 3) as i64);
    let size = sized(&mut c.rng, &c.mix, Class::Content, RESULT_MIN, RESULT_MAX)
        .clamp(RESULT_MIN as usize, RESULT_MAX as usize);
    let failed = c.rng.chance(0.03);
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::open_tool_result(buf, &head, &call.id, tool.name());
    lines::open_content(buf);
    match image {
        Some(bytes) => {
            lines::text_block(buf, |buf| {
                buf.extend_from_slice(b"Read image file [image/png]")
            });
            lines::image_block(buf, rng, bytes);
        }
        None if failed => lines::text_block(buf, |buf| texts.push_log(rng, buf, size / 8)),
        None => lines::text_block(buf, |buf| result_text(buf, rng, texts, tool, size)),
    }
    lines::close_content(buf);
    if tool == Tool::Edit && image.is_none() {
        buf.extend_from_slice(b",\"details\":{");
        member(buf, "diff", |buf| texts.push_code(rng, buf, size / 2));
        buf.push(b'}');
    }
    lines::close_tool_result(buf, failed, head.ms - rng.range(0, 5) as i64);
    let n = t.emit(c, Class::Content)?;
    note_content(c, t, n, image.is_some());
    Ok(())
}

/// What each tool prints: file contents, command output, matches, a
/// listing, or a short confirmation with diagnostics.
fn result_text(buf: &mut Vec<u8>, rng: &mut Rng, texts: &Texts, tool: Tool, size: usize) {
    match tool {
        Tool::Read => texts.push_code(rng, buf, size),
        Tool::Bash | Tool::Grep | Tool::Ls => texts.push_log(rng, buf, size),
        Tool::Find => texts.paths.push_run(rng, buf, size / 2, NEWLINE),
        Tool::Edit => {
            buf.extend_from_slice(b"Successfully replaced text in ");
            buf.extend_from_slice(texts.paths.one(rng));
            buf.push(b'.');
        }
        Tool::Write => {
            buf.extend_from_slice(b"Successfully wrote the file.\\n\\nDiagnostics:\\n");
            texts.push_log(rng, buf, size / 4);
        }
    }
}

/// An Oh My Pi `task`: the sub-agent's own transcript, then the result in
/// the parent, whose `details.usage` sums the sub-agent's turns (a tracker
/// counts those turns in the sub-agent's file, not this sum as well).
fn task(c: &mut Corpus, t: &mut Transcript, call: &Call, name: &str) -> io::Result<()> {
    let run = session::subagent(c, t, name)?;
    t.subagents = t.subagents.map(|n| n + 1);
    t.clock = t.clock.max(run.end_ms);
    let head = t.next_head(c.rng.range(5, 200) as i64);
    let size = sized(&mut c.rng, &c.mix, Class::Content, 500, 4_000);
    let Corpus {
        rng, texts, buf, ..
    } = c;
    lines::open_tool_result(buf, &head, &call.id, "task");
    lines::open_content(buf);
    lines::text_block(buf, |buf| texts.push_prose(rng, buf, size));
    lines::close_content(buf);
    buf.extend_from_slice(b",\"details\":{");
    str_member(buf, "agent", name);
    buf.extend_from_slice(b",\"usage\":");
    run.usage.push_json(buf, &MODELS[run.model]);
    buf.push(b'}');
    lines::close_tool_result(buf, false, head.ms - rng.range(0, 5) as i64);
    let n = t.emit(c, Class::Content)?;
    note_content(c, t, n, false);
    Ok(())
}

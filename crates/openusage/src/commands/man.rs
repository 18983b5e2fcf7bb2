//! `openusage man`: one manual page, openusage(1), from the command
//! definition. clap_mangen writes a page per command, and its list of
//! commands names pages (`openusage-report(1)`) that `man > openusage.1`
//! would never install; so the page is put together from its sections
//! instead: the program's own, then a COMMANDS section holding each
//! command's synopsis, description and options as a subsection.

use std::io;

use clap_mangen::Man;

/// The page, in roff.
pub fn page(command: clap::Command) -> io::Result<String> {
    let mut out = Vec::new();
    // Each command as given, before the global options are copied into it:
    // they are listed once, under the program's own options.
    let commands: Vec<clap::Command> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .cloned()
        .collect();
    let examples = command.get_after_help().map(|h| h.to_string());
    let top = Man::new(command);
    top.render_title(&mut out)?;
    top.render_name_section(&mut out)?;
    top.render_synopsis_section(&mut out)?;
    top.render_description_section(&mut out)?;
    top.render_options_section(&mut out)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    for command in commands {
        subsection(command, &mut out)?;
    }
    out.extend_from_slice(EXIT_STATUS.as_bytes());
    if let Some(examples) = examples {
        out.extend(examples_section(&examples).bytes());
    }
    top.render_version_section(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `.SS "openusage <command>"`, then its synopsis, description and options
/// without their `.SH` headings.
fn subsection(command: clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    let name = format!("openusage {}", command.get_name());
    let man = Man::new(command.bin_name(&name));
    out.extend(format!(".SS \"{name}\"\n").bytes());
    for text in [
        section(|w| man.render_synopsis_section(w))?,
        section(|w| man.render_description_section(w))?,
        section(|w| man.render_options_section(w))?,
    ] {
        // A subsection holds no `.SH`.
        out.extend(without_headings(&text).bytes());
    }
    Ok(())
}

/// What the exit codes mean (as README.md and docs/usage.md say).
const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
0
Success.
.TP
1
A runtime error, output that could not be written included (a closed pipe is not an
error); or, for \fBsnapshot\fR and the reports, an account that could not be read fully
(everything readable is still printed, and what was skipped is named);
\fB\-\-allow\-partial\fR exits 0 then.
.TP
2
A usage or settings error.
.TP
128 + N
Signal N ended the live view.
"#;

/// `--help`'s examples (a heading line, then one example a line), lines
/// kept as they are: clap_mangen would fill them into a paragraph.
fn examples_section(examples: &str) -> String {
    let mut roff = ".SH EXAMPLES\n.nf\n".to_owned();
    for line in examples.lines().skip(1) {
        // Text, not requests: a backslash escaped, a dash a minus sign.
        let text = line.replace('\\', "\\e").replace('-', "\\-");
        roff.push_str(&format!("\\&{text}\n"));
    }
    roff.push_str(".fi\n");
    roff
}

fn section(render: impl Fn(&mut dyn io::Write) -> io::Result<()>) -> io::Result<String> {
    let mut text = Vec::new();
    render(&mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// `roff` with every `.SH` heading line (clap_mangen's own: text that
/// starts with a dot is escaped) made a paragraph break.
fn without_headings(roff: &str) -> String {
    roff.lines()
        .map(|line| match line.starts_with(".SH ") {
            true => ".PP\n".to_owned(),
            false => format!("{line}\n"),
        })
        .collect()
}

//! Writing to stdout and stderr without ever panicking, and without letting text that came
//! from a server (or from an input file) steer the terminal or forge a log line.
//!
//! `println!`/`eprintln!` panic when the stream cannot be written (`2>/dev/full`): by then
//! requests may have been sent, and exit 101 would hide what happened. Here a failed write is
//! dropped: the exit status, and the journal, still tell the truth.

use std::fmt::Write as _;
use std::io::Write as _;

/// One line on stderr, prefixed `capillary: `, with control characters escaped.
pub fn note(message: impl std::fmt::Display) {
    say(&format!("capillary: {message}"));
}

/// One line on stderr as given (after escaping control characters).
pub fn say(line: &str) {
    let mut text = escape_controls(line);
    text.push('\n');
    // Ignored on purpose: see the module documentation.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// One line on stdout. JSON lines need no escaping: serde_json escapes control characters.
///
/// The lines stay in stdout's buffer until [`flush`]; callers flush when nothing else is
/// ready to print, so a busy run writes many lines per system call.
pub fn print(out: &mut impl std::io::Write, line: &str) {
    let _ = out.write_all(line.as_bytes());
    let _ = out.write_all(b"\n");
}

/// Flushes stdout; a closed stdout (`| head`) is not an error worth stopping for.
pub fn flush(out: &mut impl std::io::Write) {
    let _ = out.flush();
}

/// `text` with every control character (C0, DEL, C1) and every bidirectional-override
/// character written as `\u{..}`, so that it shows as one inert line on a terminal.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The writer of log lines (`tracing`): stderr, one event per write, with control characters
/// escaped like every other line, since a log event can quote a server's message.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        // One event is one line: a newline inside it came from the data, and is escaped.
        say(text.strip_suffix('\n').unwrap_or(&text));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

//! `capillary completions SHELL`: the shell's completion script on stdout, for the user to
//! install (e.g. `capillary completions bash > ~/.local/share/bash-completion/completions/capillary`).

use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::args::Cli;

/// Writes the completion script of `shell` to stdout.
pub fn print(shell: Shell) {
    // Generated into memory first: clap_complete panics when its writer fails, and a closed
    // stdout must not be a panic.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "capillary", &mut script);
    let mut out = std::io::stdout().lock();
    let _ = std::io::Write::write_all(&mut out, &script);
    crate::terminal::flush(&mut out);
}

//! The progress bar of a revoke: on stderr, and only when stderr is a terminal, so that logs
//! and scripts reading stderr never see control characters.

use std::fmt::Write;
use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Customers done, failed, rate and ETA.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    failed: u64,
}

impl Progress {
    /// A bar for `total` customers; hidden unless stderr is a terminal.
    pub fn new(total: u64) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} customers, {msg} failed, {rate}, ETA {eta}",
            ) {
                // indicatif's own {per_sec} prints four decimals of customers per second.
                let style = style.with_key("rate", |state: &ProgressState, w: &mut dyn Write| {
                    let _ = write!(w, "{:.0}/s", state.per_sec());
                });
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_message("0");
        Self { bar, failed: 0 }
    }

    /// One more customer done.
    pub fn done(&mut self, failed: bool) {
        // Counted before the failure, so a redraw never shows more failed than done.
        self.bar.inc(1);
        if failed {
            self.failed += 1;
            self.bar.set_message(self.failed.to_string());
        }
    }

    /// Runs `f` (which prints on stderr) with the bar out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

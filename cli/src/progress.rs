//! The progress bar of a revoke: on stderr, and only when stderr is a terminal, so that logs
//! and scripts reading stderr never see control characters.

use std::fmt::Write;
use std::io::IsTerminal as _;
use std::time::Duration;

use capillary_sdk::rate_limit::RateLimit;
use capillary_sdk::MAX_REVOKE_CUSTOMERS;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The ETA the bar shows: what the pace so far says, but never less than the rate limit
/// allows for the requests still to send (a request carries up to 100 customers).
fn eta(measured: Duration, len: Option<u64>, pos: u64, limit: Option<RateLimit>) -> Duration {
    let Some(limit) = limit else {
        return measured;
    };
    let left = len.unwrap_or(pos).saturating_sub(pos);
    let requests = left.div_ceil(MAX_REVOKE_CUSTOMERS as u64);
    let floor = u32::try_from(requests)
        .ok()
        .and_then(|n| limit.interval().checked_mul(n))
        .unwrap_or(Duration::MAX);
    measured.max(floor)
}

/// Customers done, failed, rate and ETA.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    failed: u64,
}

impl Progress {
    /// A bar for `total` customers; hidden unless stderr is a terminal. With a rate limit,
    /// the ETA is never shorter than the limit allows for the requests still to send.
    pub fn new(total: u64, limit: Option<RateLimit>) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} customers, {msg} failed, {rate}, ETA {limited_eta}",
            ) {
                // indicatif's own {per_sec} prints four decimals of customers per second.
                let style = style
                    .with_key("rate", |state: &ProgressState, w: &mut dyn Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    })
                    .with_key(
                        "limited_eta",
                        move |state: &ProgressState, w: &mut dyn Write| {
                            let eta = eta(state.eta(), state.len(), state.pos(), limit);
                            let _ = write!(w, "{}", indicatif::HumanDuration(eta));
                        },
                    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eta_never_beats_the_rate_limit() {
        let fast = Duration::from_secs(1);
        // 1,000 customers left: 10 requests at 1 a second take 10 s, whatever the pace.
        let limit = RateLimit::per_second(1);
        assert_eq!(
            eta(fast, Some(1_000), 0, Some(limit)),
            Duration::from_secs(10)
        );
        assert_eq!(eta(fast, Some(1_000), 0, None), fast);
        // 150 left: 2 requests.
        assert_eq!(
            eta(fast, Some(1_150), 1_000, Some(limit)),
            Duration::from_secs(2)
        );
        // A slower pace wins.
        let slow = Duration::from_secs(60);
        assert_eq!(eta(slow, Some(1_000), 0, Some(limit)), slow);
        assert_eq!(eta(fast, Some(10), 10, Some(limit)), fast);
    }
}

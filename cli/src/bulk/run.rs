//! The bulk runner: any number of customers, from flags or a CSV file, through the SDK's bulk
//! driver, with the write-ahead journal, a progress bar and Ctrl-C handling.
//!
//! The input is read twice, streaming both times, so that memory stays flat: once to
//! validate every row (a bad row refuses the run before anything is sent), once to send.
//!
//! Ctrl-C stops taking customers from the input at once; the requests in flight finish and
//! are printed. A second Ctrl-C abandons them: each of their customers gets a `failed` line
//! with `"maybeApplied": true` (and a journal entry saying so), and the run exits 3.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use capillary_sdk::api::promotions::bulk::BulkOperation;
use capillary_sdk::Error;
use futures_util::{FutureExt as _, StreamExt as _};
use tokio::sync::Notify;

use super::in_flight::{InFlight, Slot};
use super::settle;
use super::validate::{self, invalid, Checked};
use super::{Bulk, Outcome};
use crate::args::BulkArgs;
use crate::csv_input::{Input, Pass};
use crate::interrupt::Interrupts;
use crate::journal::{self, Identity, Journaled as _, Known, Prior};
use crate::output::{self, Verdict};
use crate::progress::Progress;
use crate::terminal::{self, note};

/// How many customers ended which way.
#[derive(Debug, Default)]
struct Tally {
    succeeded: u64,
    failed: u64,
    unknown: u64,
    not_applied: u64,
    incomplete: bool,
}

impl Tally {
    fn sent(&self) -> u64 {
        self.succeeded + self.failed + self.unknown + self.not_applied
    }
}

/// Runs command `bulk` with the shared flags `a`; `identity` names its journal.
pub async fn run<B: Bulk>(
    client: &capillary_sdk::Client,
    bulk: Arc<B>,
    a: &BulkArgs,
    identity: Identity,
    rate_limit: Option<capillary_sdk::rate_limit::RateLimit>,
) -> Result<Verdict, Error> {
    let max = <B::Op as BulkOperation>::MAX_CUSTOMERS;
    let input = match &a.csv {
        Some(path) => Input::csv(path.clone()).map_err(invalid)?,
        None => Input::Flags(a.customer.clone()),
    };
    let opened = match &a.journal {
        Some(path) => {
            let opened =
                journal::open(path, &identity, a.csv.as_deref(), a.dry_run).map_err(|reason| {
                    Error::InvalidRequest {
                        field: "--journal",
                        method: "--journal",
                        reason: format!("{}: {reason}", path.display()),
                    }
                })?;
            let unknown = opened.known.unknown();
            if unknown > 0 {
                note(format_args!(
                    "{unknown} customers of the journal may have been applied (in flight or unanswered when its run stopped): they are resolved, not sent blindly"
                ));
            }
            if opened.unreadable > 0 {
                note(format_args!(
                    "ignored {} unreadable journal line(s) (a run that crashed mid-write: the customer it was writing stays in flight)",
                    opened.unreadable
                ));
            }
            opened
        }
        None => journal::Opened {
            journal: None,
            known: Known::default(),
            unreadable: 0,
        },
    };
    let done = Arc::new(opened.known);

    // Pass 1: every row valid, or nothing is sent.
    let Checked { total, skipped } = validate::check(&input, &*bulk, a, &done)?;
    let requests = total.div_ceil(max as u64);
    if a.dry_run {
        terminal::say(&format!(
            "plan: {total} customers in {requests} requests of at most {max}, concurrency {}; {skipped} skipped (already in the journal)",
            a.concurrency
        ));
        terminal::say("dry run: nothing sent");
        return Ok(Verdict::Ok);
    }
    if skipped > 0 {
        note(format_args!(
            "skipping {skipped} customers already in the journal"
        ));
    }
    if total == 0 {
        note("nothing to send");
        return Ok(Verdict::Ok);
    }
    let in_flight = InFlight::<B>::new(opened.journal, Arc::clone(&done), Arc::clone(&bulk));
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let mut tally = Tally::default();
    let skip = if bulk.settles_unknown() && done.unknown() > 0 {
        let settled =
            settle::settle(client, &*bulk, &input, a, &done, &in_flight, &mut out).await?;
        note(format_args!(
            "looked up {} customers that may have been applied: {} applied, {} not applied (sent again), {} still unknown (not sent)",
            settled.applied + settled.not_applied + settled.unknown,
            settled.applied,
            settled.not_applied,
            settled.unknown
        ));
        tally.succeeded += settled.applied;
        tally.unknown += settled.unknown;
        settled.skip
    } else {
        Default::default()
    };

    // Pass 2: send, from the copy the first pass kept. A row that no longer reads (a read
    // error) stops the input, and so does Ctrl-C or a journal that cannot be written.
    let stopping = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(Notify::new());
    let broken: Arc<Mutex<Option<String>>> = Arc::default();
    let customers = {
        let broken = Arc::clone(&broken);
        let done = Arc::clone(&done);
        let stopping = Arc::clone(&stopping);
        let in_flight = in_flight.clone();
        let bulk = Arc::clone(&bulk);
        let filter_bulk = Arc::clone(&bulk);
        let rows = input
            .rows(Pass::Again, a.source.clone())
            .map_err(invalid)?
            .map_while(move |row| {
                // The first pass converted every row: a failure now is a changed input.
                match row
                    .map_err(|e| e.to_string())
                    .and_then(|r| bulk.customer(r.customer))
                {
                    Ok(customer) => Some(customer),
                    Err(e) => {
                        if let Ok(mut slot) = broken.lock() {
                            *slot = Some(e);
                        }
                        None
                    }
                }
            })
            .filter(move |customer| {
                filter_bulk.prior(&done, customer) != Some(Prior::Done)
                    && (skip.is_empty() || !skip.contains(&customer.with_key(|k| k.digest())))
            })
            .map_while(move |customer| {
                if stopping.load(Ordering::SeqCst) {
                    return None;
                }
                in_flight.sent(&customer);
                Some(customer)
            });
        let rows: Box<dyn Iterator<Item = B::Customer> + Send> = Box::new(rows);
        futures_util::stream::iter(rows)
    };
    let signal = {
        let stop = Arc::clone(&stop);
        async move { stop.notified().await }
    };
    let hook = {
        let in_flight = in_flight.clone();
        let stopping = Arc::clone(&stopping);
        let stop = Arc::clone(&stop);
        move |outcomes: &[Outcome<B>]| {
            if !in_flight.settled(outcomes) {
                stopping.store(true, Ordering::SeqCst);
                stop.notify_one();
            }
        }
    };
    // Write-ahead: a request is sent only once its customers are journaled as being sent.
    let sending = {
        let in_flight = in_flight.clone();
        move |batch: &[(usize, B::Customer)]| in_flight.sending(batch.iter().map(|(_, c)| c))
    };
    let mut outcomes = bulk
        .start(client, customers)
        .concurrency(usize::from(a.concurrency))
        .stop_when(signal)
        .on_settled(hook)
        .on_sending(sending)
        .stream();

    let started = Instant::now();
    let mut interrupts = Interrupts::listen();
    let mut interrupted = false;
    let mut abandoned = None;
    let mut progress = Progress::new(total, rate_limit);
    // The customers settled by lookup before the run count as done.
    for failed in (0..tally.succeeded)
        .map(|_| false)
        .chain((0..tally.unknown).map(|_| true))
    {
        progress.done(failed);
    }
    let mut printer = Printer {
        last_error: None,
        known: Arc::clone(&done),
        bulk: Arc::clone(&bulk),
    };
    loop {
        // Nothing ready to print: let what is printed reach its reader before waiting.
        let next = match outcomes.next().now_or_never() {
            Some(next) => next,
            None => {
                terminal::flush(&mut out);
                tokio::select! {
                    next = outcomes.next() => next,
                    () = interrupts.next() => {
                        if interrupted {
                            abandoned = Some(in_flight.abandon());
                            break;
                        }
                        interrupted = true;
                        stopping.store(true, Ordering::SeqCst);
                        stop.notify_one();
                        progress.suspend(|| note(format_args!(
                            "interrupted: sending no more; waiting for the answers to the {} customers in flight (Ctrl-C again to abandon them)",
                            in_flight.unanswered()
                        )));
                        continue;
                    }
                }
            }
        };
        let Some(outcome) = next else { break };
        in_flight.printed(outcome.position());
        let (line, verdict) = printer.line(&outcome, &mut tally, &progress);
        terminal::print(&mut out, &line);
        progress.done(verdict != Verdict::Ok);
    }
    drop(outcomes);
    if let Some(slots) = abandoned {
        let mut maybe_applied = 0usize;
        for slot in slots {
            let (line, verdict) = match slot {
                Slot::Settled(outcome) => printer.line(&outcome, &mut tally, &progress),
                Slot::Sent(customer) => {
                    maybe_applied += 1;
                    tally.unknown += 1;
                    output::abandoned(B::value(&customer))
                }
            };
            terminal::print(&mut out, &line);
            progress.done(verdict != Verdict::Ok);
        }
        progress.suspend(|| note(format_args!(
            "abandoned {maybe_applied} customers in flight: they MAY HAVE BEEN APPLIED (marked so in the output and the journal); check them before sending them again"
        )));
        tally.incomplete = true;
    }
    terminal::flush(&mut out);
    drop(out);
    progress.finish();
    let journal_error = in_flight.journal_error();
    if journal_error.is_some() {
        tally.incomplete = true;
    }
    let not_sent = total.saturating_sub(tally.sent());
    terminal::say(&format!(
        "{}: {} {}, {} failed, {} unknown (may have been applied), {} not applied, {} not sent, {} skipped (journal) in {:.1}s",
        B::NAME,
        tally.succeeded,
        bulk.done_word(),
        tally.failed,
        tally.unknown,
        tally.not_applied,
        not_sent,
        skipped,
        started.elapsed().as_secs_f64()
    ));
    if let Some(e) = broken.lock().ok().and_then(|mut slot| slot.take()) {
        note(format_args!(
            "the input stopped being readable during the run: {e}"
        ));
        tally.incomplete = true;
    }
    if let (Some((e, unrecorded)), Some(path)) = (&journal_error, &a.journal) {
        note(format_args!(
            "stopped: cannot write the journal {}: {e}. No request was sent that it could not journal first; {unrecorded} customers sent are journaled as being sent without their outcome (in flight, or answered while it could not be written). Free the space, then rerun with the same --journal: it resolves them and sends the rest",
            path.display(),
        ));
    }
    if interrupted || not_sent > 0 {
        let how = if a.journal.is_some() {
            "rerun with the same --journal to send the rest (it resolves the customers that may have been applied rather than sending them blindly)"
        } else {
            "customers after the last line printed were not sent"
        };
        note(format_args!(
            "stopped early: {not_sent} customers not sent; {how}"
        ));
        tally.incomplete = true;
    }
    Ok(
        if tally.incomplete || tally.unknown > 0 || tally.not_applied > 0 {
            Verdict::Incomplete
        } else if tally.failed > 0 {
            Verdict::Failed
        } else {
            Verdict::Ok
        },
    )
}

/// Turns outcomes into lines, counting them, and reports each request-level error once.
struct Printer<B> {
    last_error: Option<Arc<Error>>,
    known: Arc<Known>,
    bulk: Arc<B>,
}

impl<B: Bulk> Printer<B> {
    fn line(
        &mut self,
        outcome: &Outcome<B>,
        tally: &mut Tally,
        progress: &Progress,
    ) -> (String, Verdict) {
        match outcome {
            Outcome::<B>::Answered { item, meta, .. } => {
                let (line, verdict) = self.bulk.line(item, meta, &self.known);
                match verdict {
                    Verdict::Ok => tally.succeeded += 1,
                    _ => tally.failed += 1,
                }
                (line, verdict)
            }
            other => {
                let value = B::value(other.customer());
                let maybe_applied = output::maybe_applied(other);
                let Some(error) = other.shared_error() else {
                    return output::abandoned(value);
                };
                if !self
                    .last_error
                    .as_ref()
                    .is_some_and(|l| Arc::ptr_eq(l, error))
                {
                    progress.suspend(|| crate::report(error));
                    self.last_error = Some(Arc::clone(error));
                }
                let (line, verdict) = output::revoke_unsettled(value, error, maybe_applied);
                match (maybe_applied, verdict) {
                    (true, _) => tally.unknown += 1,
                    (false, Verdict::Failed) => tally.failed += 1,
                    _ => tally.not_applied += 1,
                }
                (line, verdict)
            }
        }
    }
}

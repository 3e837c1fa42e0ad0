//! `capillary revoke`: any number of customers, from flags or a CSV file, through
//! `revoke_all`, with a journal, a progress bar and Ctrl-C handling.
//!
//! The input is read twice, streaming both times, so that memory stays flat: once to
//! validate every row (a bad row refuses the run before anything is sent), once to send.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use capillary_sdk::{
    check_revoke_customer, Client, Error, ProgramId, PromotionId, PromotionRef, RevokeOutcome,
    MAX_REVOKE_CUSTOMERS,
};
use futures_util::StreamExt as _;
use tokio::sync::Notify;

use crate::args::RevokeArgs;
use crate::csv_input::{Input, InputError};
use crate::journal::{self, Done};
use crate::output::{self, Verdict};
use crate::progress::Progress;

fn invalid(reason: impl std::fmt::Display) -> Error {
    Error::InvalidRequest {
        field: "customers",
        reason: reason.to_string(),
    }
}

/// How many customers ended which way.
#[derive(Debug, Default)]
struct Tally {
    revoked: u64,
    failed: u64,
    unknown: u64,
    not_applied: u64,
    incomplete: bool,
}

impl Tally {
    fn sent(&self) -> u64 {
        self.revoked + self.failed + self.unknown + self.not_applied
    }
}

/// Runs the command; see the module documentation.
pub async fn run(client: &Client, a: RevokeArgs) -> Result<Verdict, Error> {
    let promotion = match (a.promotion, a.promo_identifier.clone()) {
        (Some(id), _) => PromotionRef::id(PromotionId(id)),
        (None, Some(s)) if !s.trim().is_empty() => PromotionRef::identifier(s),
        _ => {
            return Err(Error::InvalidRequest {
                field: "--promo-identifier",
                reason: "give --promotion ID or a non-empty --promo-identifier".into(),
            })
        }
    };
    let program = ProgramId(a.program);
    let input = match &a.csv {
        Some(path) => Input::Csv(path.clone()),
        None => Input::Flags(a.customer.clone()),
    };
    let op = journal::operation(a.action, program, &promotion, a.identifier_name);
    let done = match &a.journal {
        Some(path) => {
            let (done, unreadable) =
                journal::load(path, &op).map_err(|e| Error::InvalidRequest {
                    field: "--journal",
                    reason: format!("{}: {e}", path.display()),
                })?;
            if unreadable > 0 {
                eprintln!("capillary: ignored {unreadable} unreadable journal line(s) (a run that crashed mid-write)");
            }
            done
        }
        None => Done::default(),
    };
    let done = Arc::new(done);

    // Pass 1: every row valid, or nothing is sent.
    let (mut total, mut skipped) = (0u64, 0u64);
    for row in input.rows(a.source.clone()).map_err(invalid)? {
        let row = row.map_err(invalid)?;
        if let Err(e) = check_revoke_customer(a.action, a.identifier_name, &row.customer) {
            let reason = match e {
                Error::InvalidRequest { reason, .. } => reason,
                other => other.to_string(),
            };
            return Err(invalid(InputError {
                place: input.place(row.line),
                message: reason,
            }));
        }
        if done.contains(&row.customer.identifier_value) {
            skipped += 1;
        } else {
            total += 1;
        }
    }
    let requests = total.div_ceil(MAX_REVOKE_CUSTOMERS as u64);
    if a.dry_run {
        eprintln!(
            "plan: {total} customers in {requests} requests of at most {MAX_REVOKE_CUSTOMERS}, concurrency {}; {skipped} skipped (already in the journal)",
            a.concurrency
        );
        eprintln!("dry run: nothing sent");
        return Ok(Verdict::Ok);
    }
    if skipped > 0 {
        eprintln!("capillary: skipping {skipped} customers already in the journal");
    }
    if total == 0 {
        eprintln!("capillary: nothing to send");
        return Ok(Verdict::Ok);
    }
    let writer = match &a.journal {
        Some(path) => Some(
            journal::Writer::open(path, op).map_err(|e| Error::InvalidRequest {
                field: "--journal",
                reason: format!("{}: {e}", path.display()),
            })?,
        ),
        None => None,
    };

    // Pass 2: send. A row that no longer reads (the file changed) stops the input.
    let broken: Arc<Mutex<Option<String>>> = Arc::default();
    let customers = {
        let broken = Arc::clone(&broken);
        let done = Arc::clone(&done);
        input
            .rows(a.source.clone())
            .map_err(invalid)?
            .map_while(move |row| match row {
                Ok(row) => Some(row),
                Err(e) => {
                    if let Ok(mut slot) = broken.lock() {
                        *slot = Some(e.to_string());
                    }
                    None
                }
            })
            .filter(move |row| !done.contains(&row.customer.identifier_value))
            .map(|row| row.customer)
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(Notify::new());
    let signal = {
        let interrupted = Arc::clone(&interrupted);
        let stop = Arc::clone(&stop);
        async move {
            tokio::select! {
                result = tokio::signal::ctrl_c() => match result {
                    Ok(()) => {
                        interrupted.store(true, Ordering::SeqCst);
                        eprintln!("capillary: interrupted; finishing the requests in flight, sending no more");
                    }
                    // No signal handler: only a journal failure can stop the run.
                    Err(_) => stop.notified().await,
                },
                () = stop.notified() => {}
            }
        }
    };
    let journal_failed = Arc::new(AtomicBool::new(false));
    let mut run = client
        .promotions()
        .revoke_all(a.action, program, promotion, a.identifier_name, customers)
        .concurrency(usize::from(a.concurrency))
        .stop_when(signal);
    if let Some(writer) = writer {
        run = run.on_settled(journal_on_settled(
            writer,
            Arc::clone(&journal_failed),
            Arc::clone(&stop),
        ));
    }
    let mut outcomes = run.stream();

    let started = Instant::now();
    let mut progress = Progress::new(total);
    let mut tally = Tally::default();
    let mut last_error: Option<Arc<Error>> = None;
    while let Some(outcome) = outcomes.next().await {
        let (line, verdict) = match &outcome {
            RevokeOutcome::Answered { item, meta, .. } => {
                match &item.result {
                    Ok(_) => tally.revoked += 1,
                    Err(_) => tally.failed += 1,
                }
                output::revoke(item, meta)
            }
            RevokeOutcome::NotApplied {
                customer, error, ..
            }
            | RevokeOutcome::MaybeApplied {
                customer, error, ..
            } => {
                let maybe_applied = matches!(outcome, RevokeOutcome::MaybeApplied { .. });
                if !last_error.as_ref().is_some_and(|l| Arc::ptr_eq(l, error)) {
                    progress.suspend(|| crate::report(error));
                    last_error = Some(Arc::clone(error));
                }
                let (line, verdict) =
                    output::revoke_unsettled(&customer.identifier_value, error, maybe_applied);
                match (maybe_applied, verdict) {
                    (true, _) => tally.unknown += 1,
                    (false, Verdict::Failed) => tally.failed += 1,
                    _ => tally.not_applied += 1,
                }
                (line, verdict)
            }
        };
        crate::print(&line);
        progress.done(verdict != Verdict::Ok);
    }
    progress.finish();
    drop(outcomes);
    if journal_failed.load(Ordering::SeqCst) {
        tally.incomplete = true;
    }

    let not_sent = total.saturating_sub(tally.sent());
    eprintln!(
        "revoke: {} revoked, {} failed, {} unknown (may have been applied), {} not applied, {} not sent, {} skipped (journal) in {:.1}s",
        tally.revoked,
        tally.failed,
        tally.unknown,
        tally.not_applied,
        not_sent,
        skipped,
        started.elapsed().as_secs_f64()
    );
    if let Some(e) = broken.lock().ok().and_then(|mut slot| slot.take()) {
        eprintln!("capillary: the input changed during the run and stopped being readable: {e}");
        tally.incomplete = true;
    }
    if interrupted.load(Ordering::SeqCst) || not_sent > 0 {
        let how = if a.journal.is_some() {
            "rerun with the same --journal to send the rest"
        } else {
            "customers after the last line printed were not sent"
        };
        eprintln!("capillary: stopped early: {not_sent} customers not sent; {how}");
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

/// Journals each request's known outcomes as soon as its answer arrives, not when its turn
/// in the input order comes: a crash then loses nothing the server answered. A journal that
/// cannot be written stops the run, since its outcomes would be sent again on a rerun.
fn journal_on_settled(
    writer: journal::Writer,
    failed: Arc<AtomicBool>,
    stop: Arc<Notify>,
) -> impl Fn(&[RevokeOutcome]) + Send + Sync + 'static {
    let writer = Mutex::new(Some(writer));
    move |outcomes| {
        let Ok(mut slot) = writer.lock() else { return };
        let Some(w) = slot.as_mut() else { return };
        for outcome in outcomes {
            let RevokeOutcome::Answered { item, .. } = outcome else {
                continue;
            };
            let status = if item.result.is_ok() {
                "revoked"
            } else {
                "failed"
            };
            if let Err(e) = w.record(&item.customer.identifier_value, status) {
                eprintln!("capillary: cannot write the journal: {e}; sending no more");
                *slot = None;
                failed.store(true, Ordering::SeqCst);
                stop.notify_one();
                return;
            }
        }
    }
}

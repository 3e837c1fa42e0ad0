//! The customers a bulk run has handed out and not yet printed, and the journal they go to.
//!
//! A customer enters when the bulk driver takes it from the input (it is about to be sent),
//! is marked settled when its request is answered (and journaled then, not when its turn to
//! be printed comes, so a crash loses nothing the server answered), and leaves when its line
//! is printed. When an operator abandons the requests in flight, what is still here is
//! exactly what must be reported: settled ones with their outcome, the others as "may have
//! been applied". One lock guards both, so a request answered at the moment it is abandoned
//! is reported and journaled once, one way or the other.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{Bulk, Outcome};
use crate::journal::{Journal, Known, Status};
use crate::terminal::note;

/// One customer between input and output.
pub enum Slot<B: Bulk> {
    /// Sent; no answer yet.
    Sent(B::Customer),
    /// Answered (or refused), waiting for the customers before it to be printed.
    Settled(Box<Outcome<B>>),
}

struct State<B: Bulk> {
    /// Input position of `slots[0]`.
    first: usize,
    slots: VecDeque<Slot<B>>,
    journal: Option<Journal>,
    /// What the journal knew when the run opened it.
    known: Arc<Known>,
    bulk: Arc<B>,
    /// The first journal write that failed, and how many customers sent have no outcome
    /// journaled since (they stay journaled as being sent).
    journal_error: Option<String>,
    unrecorded: usize,
    /// Set once the run is abandoned: late answers change nothing.
    closed: bool,
}

impl<B: Bulk> State<B> {
    fn failed(&mut self, e: &std::io::Error, customers: usize) {
        if self.journal_error.is_none() {
            note(format_args!(
                "cannot write the journal: {e}; sending no more"
            ));
            self.journal_error = Some(e.to_string());
        }
        self.unrecorded += customers;
    }
}

/// Shared between the input, the settled hook and the output loop.
pub struct InFlight<B: Bulk> {
    state: Arc<Mutex<State<B>>>,
}

impl<B: Bulk> Clone for InFlight<B> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
        }
    }
}

impl<B: Bulk> InFlight<B> {
    /// Tracks a run that journals to `journal`, if any.
    pub fn new(journal: Option<Journal>, known: Arc<Known>, bulk: Arc<B>) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                first: 0,
                slots: VecDeque::new(),
                journal,
                known,
                bulk,
                journal_error: None,
                unrecorded: 0,
                closed: false,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<B>> {
        // A poisoned lock only means a panic elsewhere; the state itself stays consistent.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A customer taken from the input, at the next position.
    pub fn sent(&self, customer: &B::Customer) {
        self.lock().slots.push_back(Slot::Sent(customer.clone()));
    }

    /// A request's outcomes arrived: journal the known ones and keep them until printed.
    /// Returns `false` if the journal could not be written (the run must send no more).
    pub fn settled(&self, outcomes: &[Outcome<B>]) -> bool {
        let mut state = self.lock();
        if state.closed {
            return true;
        }
        let known = Arc::clone(&state.known);
        let bulk = Arc::clone(&state.bulk);
        let entries = outcomes.iter().map(|o| match o {
            Outcome::<B>::Answered { item, .. } => (o.customer(), bulk.status(item, &known)),
            other if crate::output::maybe_applied(other) => {
                (other.customer(), Status::MaybeApplied)
            }
            // Refused as a whole or never sent: the rerun sends it as if never tried.
            other => (other.customer(), Status::NotApplied),
        });
        let written = match state.journal.as_mut().map(|j| j.record(entries)) {
            Some(Err(e)) => {
                // Its customers stay journaled as being sent: a rerun resolves them.
                let sent = outcomes
                    .iter()
                    .filter(|o| !matches!(o, Outcome::<B>::NotApplied { .. }))
                    .count();
                state.failed(&e, sent);
                false
            }
            _ => true,
        };
        let first = state.first;
        for outcome in outcomes {
            if let Some(slot) = outcome
                .position()
                .checked_sub(first)
                .and_then(|i| state.slots.get_mut(i))
            {
                *slot = Slot::Settled(Box::new(outcome.clone()));
            }
        }
        written
    }

    /// Journals `customers` as about to be sent (written and fsynced); their request may be
    /// sent only if this returns `Ok`. Without a journal, always `Ok`.
    pub fn sending<'a>(
        &self,
        customers: impl IntoIterator<Item = &'a B::Customer>,
    ) -> Result<(), String> {
        let mut state = self.lock();
        if state.closed {
            return Err("the run was abandoned".into());
        }
        let Some(journal) = state.journal.as_mut() else {
            return Ok(());
        };
        match journal.sending(customers) {
            Ok(()) => Ok(()),
            Err(e) => {
                state.failed(&e, 0);
                Err(format!("cannot write the journal: {e}"))
            }
        }
    }

    /// Journals one customer's outcome found outside the run (a lookup).
    pub fn record(&self, customer: &B::Customer, status: Status) {
        let mut state = self.lock();
        if let Some(Err(e)) = state
            .journal
            .as_mut()
            .map(|j| j.record([(customer, status)]))
        {
            state.failed(&e, 1);
        }
    }

    /// The stream printed the customer at `position`: it leaves.
    pub fn printed(&self, position: usize) {
        let mut state = self.lock();
        if position == state.first && state.slots.pop_front().is_some() {
            state.first += 1;
        }
    }

    /// The first journal write that failed, and how many customers were sent whose outcome
    /// could not be journaled then or later, with those still unanswered.
    pub fn journal_error(&self) -> Option<(String, usize)> {
        let state = self.lock();
        let unanswered = state
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Sent(_)))
            .count();
        let error = state.journal_error.clone()?;
        Some((error, state.unrecorded + unanswered))
    }

    /// Number of customers sent and not yet answered.
    pub fn unanswered(&self) -> usize {
        let state = self.lock();
        state
            .slots
            .iter()
            .filter(|s| matches!(s, Slot::Sent(_)))
            .count()
    }

    /// Abandons the run: returns every customer not yet printed, in input order, and
    /// journals the unanswered ones as "may have been applied". Later answers are ignored.
    pub fn abandon(&self) -> Vec<Slot<B>> {
        let mut state = self.lock();
        state.closed = true;
        let slots: Vec<Slot<B>> = state.slots.drain(..).collect();
        let unanswered = slots.iter().filter_map(|s| match s {
            Slot::Sent(customer) => Some((customer, Status::MaybeApplied)),
            Slot::Settled(_) => None,
        });
        let count = unanswered.clone().count();
        if let Some(Err(e)) = state.journal.as_mut().map(|j| j.record(unanswered)) {
            state.failed(&e, count);
        }
        state.journal = None;
        slots
    }
}

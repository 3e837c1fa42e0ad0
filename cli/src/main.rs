//! `capillary`: the ops CLI for the Capillary Loyalty+ APIs (a contract: scripts depend on it).
//!
//! stdout carries one JSON line per outcome; stderr carries logs, progress and errors.
//! Exit status: 0 all succeeded, 1 an outcome failed or was not issued, 2 invalid input or
//! configuration (nothing sent), 3 could not complete (the action may have been applied).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod args;
mod bulk;
mod client;
mod completions;
mod csv_input;
mod duplicates;
mod earn_check;
mod enrol;
mod interrupt;
mod journal;
mod lookup;
mod output;
mod progress;
mod rate_limit;
mod resolve;
mod revoke;
mod terminal;

use std::process::ExitCode;

use capillary_sdk::{
    Client, CustomerId, CustomerRef, Error, ProgramId, PromotionId, TargetGroupId, TargetId,
};
use clap::Parser as _;
use serde_json::json;

use crate::args::{Cli, Command, EnrollArgs, IssueArgs, UnenrollArgs};
use crate::output::Verdict;

const EXIT_FAILED: u8 = 1;
const EXIT_INVALID: u8 = 2;
const EXIT_INCOMPLETE: u8 = 3;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        // No colours: every control character a log line holds is escaped (see LogWriter).
        .with_writer(|| terminal::LogWriter)
        .with_ansi(false)
        .with_target(false)
        .init();
    let cli = Cli::parse();
    if let Command::Completions { shell } = cli.command {
        completions::print(shell);
        return ExitCode::SUCCESS;
    }
    let client = match client::build(&cli) {
        Ok(client) => client,
        Err(message) => {
            terminal::note(message);
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let rate_limit = cli.rate_limit;
    let result = match cli.command {
        Command::Issue(a) => issue(&client, a).await,
        Command::Revoke(a) => revoke::run(&client, a, rate_limit).await,
        Command::Enrol(a) => enrol::run(&client, a, rate_limit).await,
        Command::Enroll(a) => enroll(&client, a).await,
        Command::Unenroll(a) => unenroll(&client, a).await,
        Command::Lookup(a) => lookup::run(&client, a).await,
        Command::Completions { .. } => Ok(Verdict::Ok),
    };
    match result {
        Ok(Verdict::Ok) => ExitCode::SUCCESS,
        Ok(Verdict::Failed) => ExitCode::from(EXIT_FAILED),
        Ok(Verdict::Incomplete) => ExitCode::from(EXIT_INCOMPLETE),
        Err(error) => ExitCode::from(report(&error)),
    }
}

/// Prints an error that ended the run on stderr and returns its exit status.
fn report(error: &Error) -> u8 {
    match error {
        Error::InvalidRequest { .. } | Error::Config { .. } => {
            terminal::note(format_args!("{error} (nothing was sent)"));
            EXIT_INVALID
        }
        _ => {
            let mut message = format!("capillary: could not complete: {error}");
            let mut cause = std::error::Error::source(error);
            while let Some(c) = cause {
                message.push_str(&format!(": {c}"));
                cause = c.source();
            }
            if let Some(status) = error.status() {
                message.push_str(&format!(" [HTTP {}]", status.as_u16()));
            }
            if let Some(id) = error.request_id() {
                message.push_str(&format!(" [request id {id}]"));
            }
            if error.maybe_applied() {
                message
                    .push_str(" — the action MAY HAVE BEEN APPLIED: check before running it again");
            }
            terminal::say(&message);
            EXIT_INCOMPLETE
        }
    }
}

fn print(line: &str) {
    let mut out = std::io::stdout().lock();
    terminal::print(&mut out, line);
    terminal::flush(&mut out);
}

/// An API refusal is an outcome (a `failed` line, exit 1); anything else ends the run.
fn refused_or(error: Error, fields: serde_json::Value) -> Result<Verdict, Error> {
    match output::refused(&error, fields) {
        Some((line, verdict)) => {
            print(&line);
            Ok(verdict)
        }
        None => Err(error),
    }
}

async fn issue(client: &Client, a: IssueArgs) -> Result<Verdict, Error> {
    let mut request = client.promotions().issue(
        CustomerRef::new(a.identifier_name, a.identifier_value.clone()),
        a.source,
        ProgramId(a.program),
        PromotionId(a.promotion),
    );
    if let Some(account) = a.account_id {
        request = request.account_id(account);
    }
    match request.send().await {
        Ok(outcome) => {
            let (line, verdict) = output::issue(&outcome);
            print(&line);
            Ok(verdict)
        }
        Err(e) => refused_or(
            e,
            json!({ "programId": a.program, "promotionId": a.promotion, "identifierValue": a.identifier_value }),
        ),
    }
}

fn target_ids(t: &args::TargetArgs) -> (TargetGroupId, TargetId, CustomerId) {
    (
        TargetGroupId(t.target_group),
        TargetId(t.target),
        CustomerId(t.customer),
    )
}

fn check_scope(t: &args::TargetArgs) -> Result<(), Error> {
    if t.data_scope.is_none() && !t.org.is_empty() {
        return Err(Error::InvalidRequest {
            field: "--org",
            method: "--org",
            reason: "connected org ids need --data-scope OTHER".into(),
        });
    }
    Ok(())
}

async fn enroll(client: &Client, a: EnrollArgs) -> Result<Verdict, Error> {
    check_scope(&a.target)?;
    let (group, target, customer) = target_ids(&a.target);
    // A milestone needs its period and may start from a balance; a streak takes neither.
    let targets = client.targets();
    let scope = a.target.scope();
    let sent = match (&a.period, a.initial_balance, a.reset_streak) {
        (Some(period), balance, false) => {
            let mut milestone = targets.enroll_milestone(group, target, customer, period.clone());
            if let Some(balance) = balance {
                milestone = milestone.initial_balance(balance);
            }
            if let Some((scope, orgs)) = scope {
                milestone = milestone.data_scope(scope, orgs);
            }
            milestone.send().await
        }
        (None, None, reset) => {
            let mut streak = targets.enroll_streak(group, target, customer);
            if reset {
                streak = streak.reset_streak(true);
            }
            if let Some((scope, orgs)) = scope {
                streak = streak.data_scope(scope, orgs);
            }
            streak.send().await
        }
        (None, Some(_), _) => {
            return Err(Error::InvalidRequest {
                field: "initialBalance",
                method: "initialBalance",
                reason: "applies to milestones only, which need a periodName (--period)".into(),
            })
        }
        (Some(_), _, true) => {
            return Err(Error::InvalidRequest {
                field: "resetStreakStatus",
                method: "resetStreakStatus",
                reason: "applies to streaks only, which take no periodName (--period)".into(),
            })
        }
    };
    match sent {
        Ok(outcome) => {
            let (line, verdict) = output::target("enrolled", &outcome);
            print(&line);
            Ok(verdict)
        }
        Err(e) => refused_or(e, json!({ "customerId": a.target.customer })),
    }
}

async fn unenroll(client: &Client, a: UnenrollArgs) -> Result<Verdict, Error> {
    check_scope(&a.target)?;
    let (group, target, customer) = target_ids(&a.target);
    let mut request = client.targets().unenroll(group, target, customer);
    if let Some((scope, orgs)) = a.target.scope() {
        request = request.data_scope(scope, orgs);
    }
    match request.send().await {
        Ok(outcome) => {
            let (line, verdict) = output::target("unenrolled", &outcome);
            print(&line);
            Ok(verdict)
        }
        Err(e) => refused_or(e, json!({ "customerId": a.target.customer })),
    }
}

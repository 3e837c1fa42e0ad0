//! The whole SDK in one run: OAuth, enrol & issue, bulk revoke, the promotion lifecycle (bulk
//! enrol and earn, the lookup, an outcome settled by the lookup), milestone and streak
//! enrollment in a connected org.
//!
//! ```text
//! cargo run --example quickstart            # on the embedded sandbox, nothing to set up
//! CAPILLARY_BASE_URL=https://eu.api.capillarytech.com CAPILLARY_OAUTH_KEY=.. CAPILLARY_OAUTH_SECRET=.. \
//!     cargo run --example quickstart -- --live   # against a real server: it writes data
//! ```
//!
//! Live runs use the API pages' example ids (program 469, promotion 65777, mobile
//! 18767431754; customer 345854020 and promotion 1119990 of program 1085; target group 7 in
//! org 50123...), so they suit a test org set up like them.

mod lifecycle;
mod lines;

use std::process::ExitCode;

use capillary_sdk::auth::{Basic, OAuth};
use capillary_sdk::sandbox::{self, demo, Sandbox};
use capillary_sdk::{
    Client, CustomerRef, DataScope, Error, IssueOutcome, ProgramId, PromotionRef, RevokeAction,
    RevokeCustomer, RevokeIdentifierKind, RevokeReport, Source,
};
use clap::Parser;
use lines::{brief, refusal, revoke_line};

/// Runs the SDK's story on the embedded sandbox, or with --live on CAPILLARY_BASE_URL.
#[derive(Parser)]
struct Args {
    /// Run against CAPILLARY_BASE_URL with the credentials in CAPILLARY_OAUTH_KEY and
    /// CAPILLARY_OAUTH_SECRET (or CAPILLARY_USERNAME and CAPILLARY_PASSWORD). Writes data.
    #[arg(long)]
    live: bool,
}

const MOBILE: &str = demo::ANA_MOBILE;
const UNKNOWN_MOBILE: &str = "10000000000";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let base_url = std::env::var("CAPILLARY_BASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let story = match (args.live, base_url) {
        (false, None) => {
            println!("Running on the embedded sandbox (no CAPILLARY_BASE_URL set): nothing leaves this process.");
            let sandbox = Sandbox::demo();
            let oauth = OAuth::new(sandbox::OAUTH_KEY, sandbox::OAUTH_SECRET);
            match sandbox.client_builder().auth(oauth.clone()).build() {
                Ok(client) => Story {
                    client,
                    oauth: Some(oauth),
                    sandbox: Some(sandbox),
                    step: 0,
                },
                Err(e) => return fail(&e.to_string()),
            }
        }
        (false, Some(url)) => {
            println!("CAPILLARY_BASE_URL is set ({url}). This would enrol mobile {MOBILE} into promotion 65777, revoke its earns and enrolment, enrol and earn customer {} in promotion 1119990 and revoke both, and enroll customer {} into milestone 12 and streak 13 of target group 7 on that server.", demo::CUSTOMER_TO_ENROL, demo::CUSTOMER_ANA);
            eprintln!("Refusing: that writes data. Pass --live to run it there, or unset CAPILLARY_BASE_URL to run on the embedded sandbox.");
            return ExitCode::from(2);
        }
        (true, None) => {
            eprintln!("error: --live needs CAPILLARY_BASE_URL and credentials (CAPILLARY_OAUTH_KEY and CAPILLARY_OAUTH_SECRET, or CAPILLARY_USERNAME and CAPILLARY_PASSWORD).");
            return ExitCode::from(2);
        }
        (true, Some(url)) => match live_story(&url) {
            Ok(story) => story,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    match story.run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

fn live_story(url: &str) -> Result<Story, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let builder = Client::builder().base_url(url);
    let (builder, oauth) = match (env("CAPILLARY_OAUTH_KEY"), env("CAPILLARY_OAUTH_SECRET")) {
        (Some(key), Some(secret)) => {
            let oauth = OAuth::new(key, secret);
            (builder.auth(oauth.clone()), Some(oauth))
        }
        _ => match (env("CAPILLARY_USERNAME"), env("CAPILLARY_PASSWORD")) {
            (Some(user), Some(password)) => (builder.auth(Basic::new(user, password)), None),
            _ => return Err("no credentials: set CAPILLARY_OAUTH_KEY and CAPILLARY_OAUTH_SECRET, or CAPILLARY_USERNAME and CAPILLARY_PASSWORD".into()),
        },
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    println!("Running LIVE against {url}: this writes data.");
    Ok(Story {
        client,
        oauth,
        sandbox: None,
        step: 0,
    })
}

/// The issue page's promotion: 65777 of program 469.
fn enrol_promotion() -> (ProgramId, PromotionRef) {
    (demo::PROGRAM_ISSUE, PromotionRef::id(demo::PROMOTION_ENROL))
}

struct Story {
    client: Client,
    oauth: Option<OAuth>,
    /// Present on the embedded sandbox: simulates earning and shows state a server hides.
    sandbox: Option<Sandbox>,
    step: usize,
}

impl Story {
    fn say(&mut self, line: impl AsRef<str>) {
        self.step += 1;
        println!("{:>2}. {}", self.step, line.as_ref());
    }

    /// On the sandbox every step's outcome is known; anything else is a bug worth exit 1.
    fn check(&self, ok: bool, what: &str) -> Result<(), String> {
        if ok || self.sandbox.is_none() {
            Ok(())
        } else {
            Err(format!("the sandbox did not answer as documented: {what}"))
        }
    }

    fn balance(&self, target: capillary_sdk::TargetId) -> String {
        let Some(sandbox) = &self.sandbox else {
            return String::new();
        };
        match sandbox.target_state(demo::TARGET_GROUP, target, demo::CUSTOMER_ANA) {
            Some(s) if target == demo::MILESTONE => format!(
                " (balance {})",
                s.balances.get(demo::PERIODS[0]).copied().unwrap_or(0)
            ),
            Some(s) => format!(" (streak {})", s.streak),
            None => String::new(),
        }
    }

    async fn issue(&self, mobile: &str) -> Result<IssueOutcome, Error> {
        self.client
            .promotions()
            .issue(
                CustomerRef::mobile(mobile),
                Source::Instore,
                demo::PROGRAM_ISSUE,
                demo::PROMOTION_ENROL,
            )
            .send()
            .await
    }

    async fn revoke(
        &self,
        action: RevokeAction,
        (program, promotion): (ProgramId, PromotionRef),
        customer: RevokeCustomer,
    ) -> Result<RevokeReport, Error> {
        self.client
            .promotions()
            .revoke(action, program, promotion, RevokeIdentifierKind::Id)
            .customer(customer)
            .send()
            .await
    }

    async fn enroll(
        &self,
        target: capillary_sdk::TargetId,
        initial: Option<i64>,
        reset: Option<bool>,
    ) -> Result<String, Error> {
        let targets = self.client.targets();
        let scope = (DataScope::Other, [demo::CONNECTED_ORG]);
        // A milestone is enrolled per period; a streak has none.
        let done = if target == demo::MILESTONE {
            let mut request = targets
                .enroll_milestone(
                    demo::TARGET_GROUP,
                    target,
                    demo::CUSTOMER_ANA,
                    demo::PERIODS[0],
                )
                .data_scope(scope.0, scope.1);
            if let Some(balance) = initial {
                request = request.initial_balance(balance);
            }
            request.send().await?
        } else {
            let mut request = targets
                .enroll_streak(demo::TARGET_GROUP, target, demo::CUSTOMER_ANA)
                .data_scope(scope.0, scope.1);
            if let Some(reset) = reset {
                request = request.reset_streak(reset);
            }
            request.send().await?
        };
        Ok(format!("enrolled{} [{}]", self.balance(target), done.meta))
    }

    async fn unenroll(&self, target: capillary_sdk::TargetId) -> Result<String, Error> {
        let done = self
            .client
            .targets()
            .unenroll(demo::TARGET_GROUP, target, demo::CUSTOMER_ANA)
            .data_scope(DataScope::Other, [demo::CONNECTED_ORG])
            .send()
            .await?;
        Ok(format!(
            "unenrolled{} [{}]",
            self.balance(target),
            done.meta
        ))
    }

    async fn run(mut self) -> Result<(), String> {
        let customer = demo::CUSTOMER_ANA;
        let first = self.issue(MOBILE).await;
        match &self.oauth {
            Some(oauth) => self.say(format!("OAuth: token from POST /v3/oauth/token/generate, sent as X-CAP-API-OAUTH-TOKEN ({} token request)", oauth.token_requests())),
            None => self.say("Basic auth: base64(user:md5(password)) on every request"),
        }
        let issual = match first {
            Ok(IssueOutcome::Issued(i)) => {
                self.say(format!(
                    "Enrol mobile {MOBILE} into promotion 65777: issued, issualId {} [{}]",
                    i.issual_id, i.meta
                ));
                Some(i.issual_id)
            }
            Ok(IssueOutcome::NotIssued { warnings, meta }) => {
                self.say(format!(
                    "Enrol mobile {MOBILE} into promotion 65777: not issued, {} [{meta}]",
                    warnings
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ));
                None
            }
            Err(e) => {
                let line = refusal(e, &self)?;
                self.say(format!(
                    "Enrol mobile {MOBILE} into promotion 65777: {line}"
                ));
                None
            }
        };
        self.check(issual.is_some(), "first enrolment")?;

        let again = self.issue(MOBILE).await;
        let not_issued = matches!(&again, Ok(IssueOutcome::NotIssued { warnings, .. }) if warnings.iter().any(|w| w.code.as_i64() == 8890));
        match &again {
            Ok(IssueOutcome::NotIssued { warnings, meta }) => self.say(format!(
                "Enrol again: not issued, {} [{meta}]",
                warnings
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            )),
            Ok(IssueOutcome::Issued(i)) => {
                self.say(format!("Enrol again: issued, issualId {}", i.issual_id))
            }
            Err(e) => self.say(format!("Enrol again: {}", brief(e))),
        }
        self.check(not_issued, "8890 on the second enrolment")?;

        let unknown = self.issue(UNKNOWN_MOBILE).await;
        let refused = matches!(&unknown, Err(e) if e.codes().iter().any(|c| c.as_i64() == 8015));
        match &unknown {
            Err(e) => self.say(format!(
                "Enrol unknown mobile {UNKNOWN_MOBILE}: {}",
                brief(e)
            )),
            Ok(o) => self.say(format!("Enrol unknown mobile {UNKNOWN_MOBILE}: {o:?}")),
        }
        self.check(refused, "8015 for an unknown customer")?;

        let mut earn_customer = RevokeCustomer::new(customer.to_string());
        if let Some(sandbox) = &self.sandbox {
            let earn = sandbox
                .earn(customer, demo::PROMOTION_ENROL)
                .map_err(|e| e.to_string())?;
            self.say(format!(
                "(sandbox) customer {customer} meets the promotion's criteria: earn {earn}"
            ));
            earn_customer = earn_customer.earn_ids([earn]);
        }
        let report = self
            .revoke(RevokeAction::Earn, enrol_promotion(), earn_customer)
            .await
            .map_err(|e| format!("revoke earn failed: {e}"))?;
        self.say(format!(
            "Revoke the earn (REVOKE_EARN): {}",
            revoke_line(&report)
        ));
        self.check(report.refused() == 0, "earn revoked")?;
        let report = self
            .revoke(
                RevokeAction::Enrol,
                enrol_promotion(),
                RevokeCustomer::new(customer.to_string()),
            )
            .await
            .map_err(|e| format!("revoke enrolment failed: {e}"))?;
        self.say(format!(
            "Revoke the enrolment (REVOKE_ENROL): {}",
            revoke_line(&report)
        ));
        self.check(
            report
                .items
                .first()
                .and_then(|i| i.result.as_ref().ok())
                .and_then(|r| r.revoked_issual_id)
                == issual,
            "enrolment revoked",
        )?;

        self.lifecycle().await?;

        let line = self
            .enroll(demo::MILESTONE, Some(100), None)
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!("Enroll customer {customer} into milestone 12 (group 7, org 50123), {}, initial balance 100: {line}", demo::PERIODS[0]));
        if let Some(sandbox) = &self.sandbox {
            let balance = sandbox
                .add_milestone_progress(
                    demo::TARGET_GROUP,
                    demo::MILESTONE,
                    customer,
                    demo::PERIODS[0],
                    20,
                )
                .map_err(|e| e.to_string())?;
            self.say(format!(
                "(sandbox) the customer makes progress: balance {balance}"
            ));
        }
        let line = self
            .unenroll(demo::MILESTONE)
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!("Unenroll from the milestone: {line}"));
        let line = self
            .enroll(demo::MILESTONE, None, None)
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!(
            "Re-enroll without initialBalance, the balance resumes: {line}"
        ));
        self.check(line.contains("balance 120"), "balance kept on re-enroll")?;

        let line = self
            .enroll(demo::STREAK, None, None)
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!("Enroll into streak 13: {line}"));
        if let Some(sandbox) = &self.sandbox {
            let streak = sandbox
                .extend_streak(demo::TARGET_GROUP, demo::STREAK, customer, 3)
                .map_err(|e| e.to_string())?;
            self.say(format!(
                "(sandbox) three consecutive actions: streak {streak}"
            ));
        }
        let line = self
            .unenroll(demo::STREAK)
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!("Unenroll from the streak: {line}"));
        let line = self
            .enroll(demo::STREAK, None, Some(true))
            .await
            .map_or_else(|e| refusal(e, &self), Ok)?;
        self.say(format!(
            "Re-enroll with resetStreakStatus=true, the streak starts afresh: {line}"
        ));
        self.check(line.contains("streak 0"), "streak reset")?;

        // The target calls refuse DATA-SCOPE ALL (310141): their scope type cannot say it.
        match "ALL".parse::<DataScope>() {
            Err(e) => self.say(format!("DATA-SCOPE ALL: not a target scope: {e}")),
            Ok(scope) => return Err(format!("DATA-SCOPE ALL parsed as {scope:?}")),
        }

        match &self.sandbox {
            Some(sandbox) => println!(
                "Done: {} requests answered by the sandbox. Serve it over HTTP with: cargo run --example sandbox_server -- --port 8080",
                sandbox.request_count()
            ),
            None => println!("Done."),
        }
        Ok(())
    }
}

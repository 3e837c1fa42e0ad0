//! Command-line flags: a contract (scripts depend on these names).

use capillary_sdk::{
    Cluster, CustomerPromotionStatus, DataScope, EnrolAction, IdentifierKind, LookupIdentifierKind,
    OrgId, RevokeAction, RevokeIdentifierKind, Source,
};
use clap::{Args, Parser, Subcommand};

/// Bulk and one-off operations on the Capillary Loyalty+ APIs.
///
/// Credentials come from the environment: CAPILLARY_OAUTH_KEY + CAPILLARY_OAUTH_SECRET (OAuth),
/// else CAPILLARY_USERNAME + CAPILLARY_PASSWORD (Basic). The embedded sandbox (demo data, in
/// process) answers with --sandbox, or when there are neither credentials nor a server.
#[derive(Debug, Parser)]
#[command(name = "capillary", version)]
pub struct Cli {
    /// Server base URL (https, or http to loopback only).
    #[arg(
        long,
        env = "CAPILLARY_BASE_URL",
        global = true,
        conflicts_with_all = ["cluster", "sandbox"]
    )]
    pub base_url: Option<String>,
    /// Capillary cluster: eu, india (apac), apac2, us, china (cn).
    #[arg(long, global = true, conflicts_with = "sandbox")]
    pub cluster: Option<Cluster>,
    /// Use the embedded sandbox (demo data, in process; nothing leaves this machine).
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Most calls this run makes, token requests included: N/min or N/s (e.g. 100/min).
    #[arg(long, env = "CAPILLARY_RATE_LIMIT", global = true, value_parser = crate::rate_limit::parse)]
    pub rate_limit: Option<capillary_sdk::rate_limit::RateLimit>,
    #[command(subcommand)]
    pub command: Command,
}

/// The operations.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Enrol a customer into an Enrol & Issue promotion (POST /v2/promotion/issue).
    Issue(IssueArgs),
    /// Revoke enrolments or earns of customers (POST /v2/promotion/bulk/revokeEnrolAndEarn).
    Revoke(RevokeArgs),
    /// Enrol customers into a promotion or give them an earn (POST /v2/promotion/bulk/enrolAndEarn).
    Enrol(BulkEnrolArgs),
    /// Enroll a customer into a milestone or streak (v3.1, connected orgs).
    Enroll(EnrollArgs),
    /// Unenroll a customer from a milestone or streak (v3.1, connected orgs).
    Unenroll(UnenrollArgs),
    /// One customer's promotions with their enrolment and earn timeline, every page
    /// (GET /v2/customers/lookup/promotionData).
    Lookup(LookupArgs),
    /// Print the shell completion script for bash, zsh, fish, elvish or powershell.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `issue` flags.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// Loyalty program id.
    #[arg(long)]
    pub program: u64,
    /// Enrol & Issue promotion id.
    #[arg(long)]
    pub promotion: u64,
    /// email, mobile, externalId or id.
    #[arg(long)]
    pub identifier_name: IdentifierKind,
    /// The identifier's value.
    #[arg(long)]
    pub identifier_value: String,
    /// Registration source, e.g. INSTORE.
    #[arg(long)]
    pub source: Source,
    /// The customer's account id.
    #[arg(long)]
    pub account_id: Option<String>,
}

/// `revoke` flags.
#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// enrol or earn.
    #[arg(long)]
    pub action: RevokeAction,
    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// `enrol` flags.
#[derive(Debug, Args)]
pub struct BulkEnrolArgs {
    /// enrol or earn.
    #[arg(long)]
    pub action: EnrolAction,
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// EARN: send again the customers the journal has as maybe applied without looking them
    /// up first (they may earn twice).
    #[arg(long)]
    pub resend_unknown: bool,
}

/// Flags shared by the bulk commands (revoke, enrol).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("promo").required(true).args(["promotion", "promo_identifier"]))]
#[command(group = clap::ArgGroup::new("input").required(true).args(["customer", "csv"]))]
pub struct BulkArgs {
    /// Loyalty program id.
    #[arg(long)]
    pub program: u64,
    /// Promotion id (or --promo-identifier).
    #[arg(long)]
    pub promotion: Option<u64>,
    /// Promotion external identifier (or --promotion).
    #[arg(long)]
    pub promo_identifier: Option<String>,
    /// id, mobile or email.
    #[arg(long)]
    pub identifier_name: RevokeIdentifierKind,
    /// A customer's identifier value; repeat for several.
    #[arg(long)]
    pub customer: Vec<String>,
    /// A CSV file (or /dev/stdin): a header naming identifierValue and optionally source, earnIds (any order; ',' or ';' between fields), then one row per customer (earn ids separated by ';').
    #[arg(long)]
    pub csv: Option<std::path::PathBuf>,
    /// Source for customers that name none.
    #[arg(long)]
    pub source: Option<Source>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Journal file, written ahead: customers are recorded before they are sent and when
    /// they settle; a rerun skips the known ones and resolves those that may have been
    /// applied.
    #[arg(long)]
    pub journal: Option<std::path::PathBuf>,
    /// Validate and print the plan; send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Flags shared by enroll and unenroll.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Target group id.
    #[arg(long)]
    pub target_group: u64,
    /// Target id (a milestone or a streak).
    #[arg(long)]
    pub target: u64,
    /// Customer id.
    #[arg(long)]
    pub customer: u64,
    /// SELF or OTHER.
    #[arg(long)]
    pub data_scope: Option<DataScope>,
    /// Connected org ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub org: Vec<u64>,
}

impl TargetArgs {
    /// The scope headers, if a scope was given.
    pub fn scope(&self) -> Option<(DataScope, Vec<OrgId>)> {
        self.data_scope
            .map(|s| (s, self.org.iter().copied().map(OrgId).collect()))
    }
}

/// `enroll` flags.
#[derive(Debug, Args)]
pub struct EnrollArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Milestone period name.
    #[arg(long)]
    pub period: Option<String>,
    /// Milestone initial balance.
    #[arg(long)]
    pub initial_balance: Option<i64>,
    /// Streak: start afresh on re-enroll.
    #[arg(long)]
    pub reset_streak: bool,
}

/// `unenroll` flags.
#[derive(Debug, Args)]
pub struct UnenrollArgs {
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `lookup` flags.
#[derive(Debug, Args)]
pub struct LookupArgs {
    /// mobile, email, externalId, id or cuid.
    #[arg(long)]
    pub identifier_name: LookupIdentifierKind,
    /// The identifier's value.
    #[arg(long)]
    pub identifier_value: String,
    /// Where the customer registered, e.g. INSTORE.
    #[arg(long)]
    pub source: Source,
    /// Only the promotions of this program; repeat for several.
    #[arg(long)]
    pub program: Vec<u64>,
    /// Only this promotion's line.
    #[arg(long)]
    pub promotion: Option<u64>,
    /// AVAILABLE_TO_ENROL, AVAILABLE_TO_EARN, AVAILABLE_TO_REDEEM or EXPIRED.
    #[arg(long)]
    pub status: Option<CustomerPromotionStatus>,
}

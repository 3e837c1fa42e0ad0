//! `GET /v2/customers/lookup/promotionData` (and `/v2.1/...` with `DATA-SCOPE`): a
//! customer's promotions, filtered and paged, with timelines that follow the state.

use http::StatusCode;
use serde_json::{json, Value};

use super::incoming::Incoming;
use super::lookup_view::{promotion_json, status_of, CustomerView};
use super::reply::{msg, v2_message, Reply};
use super::state::{Promotion, PromotionKind, State};
use crate::model::{LookupIdentifierKind, OrgId, ProgramId, Source};

/// The page size when the request gives none.
const DEFAULT_LIMIT: usize = 10;
/// The largest page.
const MAX_LIMIT: usize = 100;

/// Which orgs' promotions a request sees.
enum Scope {
    Own,
    Orgs(Vec<OrgId>),
    All,
}

impl Scope {
    fn sees(&self, promotion: &Promotion) -> bool {
        match (self, promotion.org) {
            (Self::All, _) | (Self::Own, None) => true,
            (Self::Orgs(orgs), Some(org)) => orgs.contains(&org),
            _ => false,
        }
    }
}

pub(super) fn handle(state: &State, req: &Incoming<'_>, connected: bool) -> Reply {
    let kind = req
        .query("identifierName")
        .and_then(|n| n.parse::<LookupIdentifierKind>().ok());
    let Some(kind) = kind else {
        return error(8013, msg::INVALID_IDENTIFIER_NAME);
    };
    let Some(value) = req.query("identifierValue") else {
        return error(8015, msg::CUSTOMER_NOT_FOUND);
    };
    let source_ok = req
        .query("source")
        .is_some_and(|s| !matches!(Source::parse(s), Source::Other(_) | Source::MobileApp));
    if !source_ok {
        return error(8003, msg::INVALID_SOURCE);
    }
    let Some(customer) = state
        .customers
        .iter()
        .find(|c| c.matches_lookup(kind, value))
        .map(|c| c.id)
    else {
        return error(8015, msg::CUSTOMER_NOT_FOUND);
    };
    let scope = if connected {
        match scope(req) {
            Ok(scope) => scope,
            Err(reply) => return reply,
        }
    } else {
        Scope::Own
    };
    let filters = match Filters::read(req) {
        Ok(filters) => filters,
        Err(reply) => return reply,
    };
    let view = CustomerView { state, customer };
    let matching: Vec<&Promotion> = state
        .promotions
        .values()
        .filter(|p| scope.sees(p) && filters.keep(p, &view))
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(filters.offset)
        .take(filters.limit)
        .map(|p| promotion_json(p, &view, filters.all_usage))
        .collect();
    let (page_number, page_count) = match filters.limit {
        0 => (0, 0),
        limit => (filters.offset / limit, total.div_ceil(limit)),
    };
    Reply::ok(json!({
        "pageDetails": { "pageNumber": page_number, "pageSize": filters.limit,
                         "totalEntries": total, "pageCount": page_count },
        "customerId": customer,
        "promotions": page,
        "warnings": [],
    }))
}

/// `DATA-SCOPE` (absent: `SELF`) and `DATA-SCOPE-ORG`; `OTHER` needs orgs (310144).
fn scope(req: &Incoming<'_>) -> Result<Scope, Reply> {
    let orgs = req.scope_orgs();
    match req
        .header("data-scope")
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("SELF") => Ok(Scope::Own),
        Some("ALL") => Ok(Scope::All),
        Some("OTHER") if !orgs.is_empty() => Ok(Scope::Orgs(orgs)),
        Some("OTHER") => Err(error(310144, msg::CONNECTED_ORGS)),
        Some(_) => Err(error(300004, "DATA-SCOPE must be SELF, OTHER or ALL")),
    }
}

struct Filters {
    status: Option<String>,
    programs: Option<Vec<ProgramId>>,
    promotion_type: Option<String>,
    source_type: Option<String>,
    all_usage: bool,
    limit: usize,
    offset: usize,
}

impl Filters {
    /// The optional filters; a value the page does not list answers 400 naming the parameter
    /// (the reference documents no code for these).
    fn read(req: &Incoming<'_>) -> Result<Self, Reply> {
        let one_of = |name: &'static str, known: &[&str]| -> Result<Option<String>, Reply> {
            match req.query(name).map(str::to_ascii_uppercase) {
                Some(v) if !known.contains(&v.as_str()) => Err(bad(name)),
                other => Ok(other),
            }
        };
        let status = one_of(
            "promotionStatusForCustomer",
            &[
                "AVAILABLE_TO_ENROL",
                "AVAILABLE_TO_EARN",
                "AVAILABLE_TO_REDEEM",
                "EXPIRED",
            ],
        )?;
        let promotion_type = one_of(
            "promotionType",
            &["GENERIC", "DIRECT_ISSUE", "ENROL_AND_ISSUE"],
        )?;
        let source_type = one_of("sourceType", &["UI", "API", "CAMPAIGN"])?;
        let programs = match req.query("programs") {
            None => None,
            Some(list) => Some(
                list.split(',')
                    .map(|p| p.trim().parse().map(ProgramId))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| bad("programs"))?,
            ),
        };
        let all_usage = match req.query("fetchAllUsage") {
            None => false,
            Some(v) => v.parse().map_err(|_| bad("fetchAllUsage"))?,
        };
        let number = |name: &'static str, default: usize| match req.query(name) {
            None => Ok(default),
            Some(v) => v.parse::<usize>().map_err(|_| bad(name)),
        };
        let limit = number("limit", DEFAULT_LIMIT)?;
        if limit > MAX_LIMIT {
            return Err(bad("limit"));
        }
        let offset = number("offset", 0)?;
        Ok(Self {
            status,
            programs,
            promotion_type,
            source_type,
            all_usage,
            limit,
            offset,
        })
    }

    fn keep(&self, promotion: &Promotion, view: &CustomerView<'_>) -> bool {
        let type_fits = match self.promotion_type.as_deref() {
            None => true,
            Some("DIRECT_ISSUE") => promotion.kind == PromotionKind::DirectIssue,
            Some("ENROL_AND_ISSUE") => promotion.kind == PromotionKind::EnrolAndIssue,
            // The sandbox has no GENERIC promotions.
            Some(_) => false,
        };
        type_fits
            && self
                .programs
                .as_ref()
                .is_none_or(|programs| programs.contains(&promotion.program))
            && self
                .source_type
                .as_deref()
                .is_none_or(|t| promotion.source_type.as_str() == t)
            && self
                .status
                .as_deref()
                .is_none_or(|s| status_of(promotion, view).contains(&s))
    }
}

fn bad(parameter: &str) -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        json!({ "errors": [v2_message(400, &format!("invalid {parameter}"))] }),
    )
}

/// The page's error shape: `{"errors": [...]}`, HTTP 400 (the status is the sandbox's
/// choice; the reference does not state it).
fn error(code: i64, message: &str) -> Reply {
    Reply::new(
        StatusCode::BAD_REQUEST,
        json!({ "errors": [v2_message(code, message)] }),
    )
}

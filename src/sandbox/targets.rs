//! `POST /v3.1/targetGroups/{g}/targets/{t}/enroll` and `.../unEnroll`: milestones and
//! streaks in connected orgs.

use serde::Deserialize;
use serde_json::{json, Value};

use super::incoming::Incoming;
use super::reply::{msg, v31_data, v31_error, Reply};
use super::state::{State, TargetKind};
use crate::model::{CustomerId, TargetGroupId, TargetId};

/// Which of the two target calls a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Enroll,
    Unenroll,
}

/// Reads `/v3.1/targetGroups/{g}/targets/{t}/{enroll|unEnroll}`; the ids stay raw so that a
/// bad one gets the API's own error.
pub(super) fn parse_path(path: &str) -> Option<(&str, &str, Op)> {
    let rest = path.strip_prefix("/v3.1/targetGroups/")?;
    let mut parts = rest.split('/');
    let (group, literal, target, op, end) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next(),
    );
    if literal != "targets" || end.is_some() {
        return None;
    }
    let op = match op {
        "enroll" => Op::Enroll,
        "unEnroll" => Op::Unenroll,
        _ => return None,
    };
    Some((group, target, op))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    #[serde(default)]
    customer_id: Option<Value>,
    #[serde(default)]
    period_name: Option<String>,
    #[serde(default)]
    initial_balance: Option<i64>,
    #[serde(default)]
    reset_streak_status: Option<bool>,
}

pub(super) fn handle(
    state: &mut State,
    req: &Incoming<'_>,
    (group, target, op): (&str, &str, Op),
) -> Reply {
    let scope = req
        .header("data-scope")
        .map(str::to_ascii_uppercase)
        .unwrap_or_else(|| "SELF".into());
    if scope == "ALL" {
        return v31_error(310141, msg::DATA_SCOPE_ALL);
    }
    if scope != "SELF" && scope != "OTHER" {
        return v31_error(300004, "DATA-SCOPE must be SELF or OTHER");
    }
    let Some(group) = group.parse::<u64>().ok().map(TargetGroupId) else {
        return v31_error(310017, msg::GROUP_NOT_FOUND);
    };
    let Some(found) = state.groups.get(&group) else {
        return v31_error(310017, msg::GROUP_NOT_FOUND);
    };
    let orgs = req.scope_orgs();
    let scope_fits = match found.org {
        Some(org) => scope == "OTHER" && orgs.contains(&org),
        None => scope == "SELF",
    };
    if !scope_fits {
        return v31_error(310144, msg::CONNECTED_ORGS);
    }
    let Some(target) = target.parse::<u64>().ok().map(TargetId) else {
        return v31_error(310018, msg::RULE_NOT_FOUND);
    };
    let Some(kind) = found.targets.get(&target).cloned() else {
        return v31_error(310018, msg::RULE_NOT_FOUND);
    };
    // The body is a list of exactly one record.
    let record = match serde_json::from_slice::<Vec<Record>>(req.body) {
        Ok(mut records) if records.len() == 1 => records.remove(0),
        _ => {
            return v31_error(
                300004,
                "Invalid input: the body must be a list of one record",
            )
        }
    };
    let customer = record
        .customer_id
        .and_then(|v| serde_json::from_value::<CustomerId>(v).ok())
        .filter(|id| state.customers.iter().any(|c| c.id == *id));
    let Some(customer) = customer else {
        return v31_error(310011, msg::INVALID_USER);
    };
    let key = (group, target, customer);
    match op {
        Op::Unenroll => {
            let enrolled = state.enrollments.get(&key).is_some_and(|s| s.enrolled);
            if !enrolled {
                return v31_error(300004, "Invalid input: user is not enrolled for the target");
            }
            if let Some(s) = state.enrollments.get_mut(&key) {
                s.enrolled = false;
                s.periods.clear();
            }
        }
        Op::Enroll => match kind {
            TargetKind::Milestone { periods } => {
                let Some(period) = record.period_name.filter(|p| !p.trim().is_empty()) else {
                    return v31_error(
                        300004,
                        "Invalid input: periodName is required for a milestone",
                    );
                };
                if !periods.contains(&period) {
                    return v31_error(310019, msg::PERIOD_NOT_FOUND);
                }
                if record.initial_balance.is_some_and(|b| b < 0) {
                    return v31_error(300004, "Invalid input: initialBalance must not be negative");
                }
                let s = state.enrollments.entry(key).or_default();
                if s.periods.contains(&period) {
                    return v31_error(310119, msg::ALREADY_ENROLLED);
                }
                s.periods.insert(period.clone());
                s.enrolled = true;
                let balance = s.balances.entry(period).or_insert(0);
                // Without initialBalance a re-enroll resumes from the value at unenrollment.
                if let Some(initial) = record.initial_balance {
                    *balance = initial;
                }
            }
            TargetKind::Streak => {
                let s = state.enrollments.entry(key).or_default();
                if s.enrolled {
                    return v31_error(310119, msg::ALREADY_ENROLLED);
                }
                s.enrolled = true;
                if record.reset_streak_status == Some(true) {
                    s.streak = 0;
                }
            }
        },
    }
    v31_data(json!(customer))
}

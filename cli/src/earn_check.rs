//! Settling an EARN whose outcome is unknown, by looking the customer up: an EARN can apply
//! twice, so it is never sent again before the lookup says it was not applied.
//!
//! The journal recorded when the customer was about to be sent (`at`, this machine's clock).
//! The earlier attempt applied if the customer holds an earn of the promotion issued at or
//! after that moment, less [`CLOCK_MARGIN_MS`] for the clocks of this machine and the server
//! disagreeing. An earn issued inside that margin by something else than this job would be
//! taken for the job's (the customer is then reported earned, not earned twice); a lookup
//! that fails, a customer with no source to look it up with, a journal that does not say
//! when it was sent (or says a time still to come), or an earn listed without a readable
//! date or id, leaves the customer unknown and unsent.

use capillary_sdk::{
    Client, EnrolCustomer, LookupCustomer, LookupIdentifierKind, ProgramId, PromotionRef,
    RevokeIdentifierKind,
};
use serde_json::json;

use crate::bulk::Check;

/// How far before the journaled time an earn still counts as the attempt's.
pub const CLOCK_MARGIN_MS: u64 = 10 * 60 * 1000;

/// The `resolvedBy` of an EARN the lookup found applied.
pub const EARNED_EARLIER: &str = "lookup after an unknown attempt";

/// Settles `customer`'s EARN journaled as sent at `since`.
pub async fn check(
    client: &Client,
    identifier_name: RevokeIdentifierKind,
    program: ProgramId,
    promotion: &PromotionRef,
    customer: &EnrolCustomer,
    since: u64,
) -> Check {
    let unknown = |reason: String| {
        Check::Unknown(
            json!({
                "status": "failed",
                "identifierValue": customer.identifier_value,
                "maybeApplied": true,
                "reason": reason,
                "errors": [],
                "warnings": [],
                "requestId": null,
            })
            .to_string(),
        )
    };
    let Some(source) = customer.source.clone() else {
        return unknown("its EARN may have been applied and it has no source to look it up with: give --source or a source column".into());
    };
    let kind = match identifier_name.as_str().parse::<LookupIdentifierKind>() {
        Ok(kind) => kind,
        Err(e) => return unknown(e.to_string()),
    };
    let lookup = client
        .customers()
        .promotions(
            LookupCustomer::new(kind, customer.identifier_value.clone()),
            source,
        )
        .programs([program])
        .all()
        .await;
    let all = match lookup {
        Ok(all) => all,
        Err(e) => {
            return unknown(format!(
                "its EARN may have been applied and the lookup failed: {e}"
            ))
        }
    };
    use capillary_sdk::CustomerPromotionList as _;
    let Some(listed) = all.promotions.promotion(promotion) else {
        return Check::NotApplied;
    };
    // Without the journaled time, any earn of the promotion could be the attempt's.
    if since == 0 {
        return unknown("its EARN may have been applied and the journal does not say when it was sent: the lookup cannot tell its earn from earlier ones".into());
    }
    // A time still to come was written by a clock that was ahead: earns the attempt made
    // would look older than it.
    if since > crate::journal::now_ms().saturating_add(CLOCK_MARGIN_MS) {
        return unknown("its EARN may have been applied and the journal says it was sent later than now (the clock of the run that sent it was ahead): the lookup cannot tell its earn from earlier ones".into());
    }
    let after = since.saturating_sub(CLOCK_MARGIN_MS);
    let mut earned = None;
    let mut unreadable = false;
    for detail in listed.timelines.iter().flat_map(|t| &t.issued_details) {
        match (
            detail.issual_date.as_deref().and_then(unix_ms),
            detail.earn_id,
        ) {
            (Some(t), _) if t < after => {}
            (Some(_), Some(earn)) => earned = earned.or(Some(earn)),
            // Issued at a time that does not read, or without an id: it may be the
            // attempt's, so the customer is not sent again on the lookup's word.
            _ => unreadable = true,
        }
    }
    if earned.is_none() && unreadable {
        return unknown("its EARN may have been applied and the lookup lists an earn of the promotion without a readable date or id".into());
    }
    match earned {
        Some(earn) => Check::Applied(
            json!({
                "status": "earned",
                "identifierValue": customer.identifier_value,
                "programId": program.0,
                "promotionId": listed.promotion_id.0,
                "earnedId": earn.0,
                "resolvedBy": EARNED_EARLIER,
                "errors": [],
                "warnings": [],
                "requestId": all.meta.as_ref().and_then(|m| m.request_id.clone()),
            })
            .to_string(),
        ),
        None => Check::NotApplied,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM|±HHMM]` in Unix milliseconds (UTC without a zone).
/// Anything else after the seconds is no date: an offset read as UTC could put an earn hours
/// before the attempt that made it.
fn unix_ms(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse().ok() };
    if b.len() < 19 || b.get(4) != Some(&b'-') || b.get(10) != Some(&b'T') {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        let kept = &fraction[..digits.min(3)];
        millis = format!("{kept:0<3}").parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest.as_bytes() {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ..] => {
            let zone = rest[1..].replace(':', "");
            if zone.len() != 4 || !zone.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let minutes = zone[..2].parse::<i64>().ok()? * 60 + zone[2..].parse::<i64>().ok()?;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hh * 3_600 + mm * 60 + ss - offset_minutes * 60;
    let ms = seconds * 1_000 + millis;
    u64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_lookup_dates() {
        assert_eq!(super::unix_ms("1970-01-01T00:00:01.500Z"), Some(1_500));
        assert_eq!(
            super::unix_ms("2024-01-01T00:00:00.000Z"),
            Some(1_704_067_200_000)
        );
        assert_eq!(super::unix_ms("yesterday"), None);
    }

    #[test]
    fn a_date_with_an_offset_is_read_in_utc() {
        // Five hours behind UTC: an earn of 05:00 UTC, not of midnight UTC (read so, it
        // would look older than the attempt and the customer would be sent again).
        let utc = Some(1_704_085_200_000);
        assert_eq!(super::unix_ms("2024-01-01T00:00:00.000-05:00"), utc);
        assert_eq!(super::unix_ms("2024-01-01T00:00:00-0500"), utc);
        assert_eq!(super::unix_ms("2024-01-01T10:30:00+05:30"), utc);
        assert_eq!(super::unix_ms("2024-01-01T05:00:00Z"), utc);
        assert_eq!(super::unix_ms("2024-01-01T05:00:00"), utc);
        assert_eq!(super::unix_ms("2024-01-01T05:00:00.000 EST"), None);
    }
}

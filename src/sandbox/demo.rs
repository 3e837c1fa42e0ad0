//! The demo data: the ids Capillary's API reference pages use in their examples, so every documented
//! request gets the documented kind of answer.
//!
//! The bulk enrol page's ENROL example names customers the revoke page's REVOKE_ENROL answer
//! shows enrolled (issuals 847 to 850 in 202188): on the demo it answers each with that
//! issual and warning 8890 (already enrolled); after a REVOKE_ENROL it enrols them anew. Its
//! EARN example (Direct Issue, by identifier) earns. The lookup page's example is customer
//! [`CUSTOMER_LOOKUP`] in program [`PROGRAM_LOOKUP`].

use super::state::{Customer, Promotion, PromotionKind, State, TargetGroup, TargetKind};
use crate::model::{CustomerId, OrgId, ProgramId, PromotionId, TargetGroupId, TargetId};

/// Program 469: the issue page's example.
pub const PROGRAM_ISSUE: ProgramId = ProgramId(469);
/// Program 2714: the bulk revoke page's examples.
pub const PROGRAM_REVOKE: ProgramId = ProgramId(2714);
/// Program 753: the bulk revoke page's partial-success example.
pub const PROGRAM_DIRECT: ProgramId = ProgramId(753);

/// Enrol & Issue promotion 65777 in program 469.
pub const PROMOTION_ENROL: PromotionId = PromotionId(65777);
/// Enrol & Issue promotion 202779 in program 2714, `promoIdentifier` [`IDENTIFIER_202779`].
pub const PROMOTION_202779: PromotionId = PromotionId(202779);
/// `95c77d88-470c-4dd3-bde4-606ae1b64277`: the external identifier of promotion 202779.
pub const IDENTIFIER_202779: &str = "95c77d88-470c-4dd3-bde4-606ae1b64277";
/// Enrol & Issue promotion 202188 in program 2714 (the REVOKE_ENROL answer example).
pub const PROMOTION_202188: PromotionId = PromotionId(202188);
/// The Direct Issue promotion of program 2714; the pages only name it by identifier
/// ([`IDENTIFIER_DIRECT`]), so its id is the sandbox's choice.
pub const PROMOTION_DIRECT: PromotionId = PromotionId(202780);
/// `1d9e540d-ae2c-443f-9d0d-7ac146bf93f2`: the external identifier of the Direct Issue
/// promotion (202780) of program 2714.
pub const IDENTIFIER_DIRECT: &str = "1d9e540d-ae2c-443f-9d0d-7ac146bf93f2";
/// Direct Issue promotion 74230 in program 753.
pub const PROMOTION_74230: PromotionId = PromotionId(74230);
/// The inactive promotion (any call on it answers 8892), in program 753.
pub const PROMOTION_INACTIVE: PromotionId = PromotionId(74231);

/// Program 1085: the customer promotion lookup page's example.
pub const PROGRAM_LOOKUP: ProgramId = ProgramId(1085);
/// Enrol & Issue promotion 1119990 of program 1085, identifier [`IDENTIFIER_LOOKUP`]: the
/// lookup page's example promotion.
pub const PROMOTION_LOOKUP: PromotionId = PromotionId(1119990);
/// `7ff82c46-dd7e-45d7-b09a-eb58aed3d714`: the external identifier of promotion 1119990.
pub const IDENTIFIER_LOOKUP: &str = "7ff82c46-dd7e-45d7-b09a-eb58aed3d714";
/// Direct Issue promotion 1119995 of program 1085, in the connected org [`CONNECTED_ORG`]:
/// the lookup lists it only at `/v2.1` with `DATA-SCOPE` `OTHER` (org 50123) or `ALL`.
pub const PROMOTION_CONNECTED: PromotionId = PromotionId(1119995);
/// Direct Issue promotion 74232 of program 753, past its end: the lookup's `EXPIRED`.
pub const PROMOTION_EXPIRED: PromotionId = PromotionId(74232);
/// Customer 345854019, the lookup page's example: enrolled in 1119990 (enrolment 1580) and
/// issued once (earn 1583).
pub const CUSTOMER_LOOKUP: CustomerId = CustomerId(345854019);
/// Her mobile number, `000003873354` (the page's example identifier value).
pub const LOOKUP_MOBILE: &str = "000003873354";
/// Her `cuid`, `cuid-345854019`.
pub const LOOKUP_CUID: &str = "cuid-345854019";
/// Customer 345854020: not enrolled in 1119990 (the page's "available to enrol", with
/// `customerPromotionTimelines: []`).
pub const CUSTOMER_TO_ENROL: CustomerId = CustomerId(345854020);
/// Customer 345854021: enrolled in 1119990 (enrolment 1581) but not issued (the page's
/// timeline with `issuedDetails: []`).
pub const CUSTOMER_ENROLLED: CustomerId = CustomerId(345854021);

/// Customer 345651201, the one with all four identifiers.
pub const CUSTOMER_ANA: CustomerId = CustomerId(345651201);
/// Her mobile number, `18767431754`, as in the issue page's example.
pub const ANA_MOBILE: &str = "18767431754";
/// Her email address, `ana@example.com`.
pub const ANA_EMAIL: &str = "ana@example.com";
/// Her external id, `EXT-1`.
pub const ANA_EXTERNAL_ID: &str = "EXT-1";

/// Org 50123: the connected org of target group 7.
pub const CONNECTED_ORG: OrgId = OrgId(50123);
/// Target group 7, in [`CONNECTED_ORG`].
pub const TARGET_GROUP: TargetGroupId = TargetGroupId(7);
/// Milestone target 12, periods [`PERIODS`].
pub const MILESTONE: TargetId = TargetId(12);
/// Streak target 13.
pub const STREAK: TargetId = TargetId(13);
/// The milestone's periods: `PERIOD_G_29463_1`, `PERIOD_G_29463_2`, `PERIOD_G_29463_3`.
pub const PERIODS: [&str; 3] = ["PERIOD_G_29463_1", "PERIOD_G_29463_2", "PERIOD_G_29463_3"];

/// The customers of the pages' examples; 423789336 is the unenroll example's.
const OTHER_CUSTOMERS: [u64; 11] = [
    423927867, 423927868, 423927848, 423927855, 423927856, 555567088, 423926198, 423926199,
    423926200, 423926201, 423789336,
];

pub(crate) fn seed(state: &mut State) {
    state.programs.extend([
        PROGRAM_ISSUE,
        PROGRAM_REVOKE,
        PROGRAM_DIRECT,
        PROGRAM_LOOKUP,
    ]);
    let promotions = [
        Promotion::new(PROGRAM_ISSUE, PROMOTION_ENROL, PromotionKind::EnrolAndIssue),
        Promotion::new(
            PROGRAM_REVOKE,
            PROMOTION_202779,
            PromotionKind::EnrolAndIssue,
        )
        .identifier(IDENTIFIER_202779),
        Promotion::new(
            PROGRAM_REVOKE,
            PROMOTION_202188,
            PromotionKind::EnrolAndIssue,
        ),
        Promotion::new(PROGRAM_REVOKE, PROMOTION_DIRECT, PromotionKind::DirectIssue)
            .identifier(IDENTIFIER_DIRECT),
        Promotion::new(PROGRAM_DIRECT, PROMOTION_74230, PromotionKind::DirectIssue),
        Promotion::new(
            PROGRAM_DIRECT,
            PROMOTION_INACTIVE,
            PromotionKind::DirectIssue,
        )
        .inactive(),
        Promotion::new(
            PROGRAM_DIRECT,
            PROMOTION_EXPIRED,
            PromotionKind::DirectIssue,
        )
        .expired(),
        Promotion::new(
            PROGRAM_LOOKUP,
            PROMOTION_LOOKUP,
            PromotionKind::EnrolAndIssue,
        )
        .identifier(IDENTIFIER_LOOKUP)
        .name("Enrol & issue | LOYALTY EARNING PROMO"),
        Promotion::new(
            PROGRAM_LOOKUP,
            PROMOTION_CONNECTED,
            PromotionKind::DirectIssue,
        )
        .org(CONNECTED_ORG),
    ];
    for p in promotions {
        state.promotions.insert(p.id, p);
    }
    state.customers.push(
        Customer::new(CUSTOMER_ANA)
            .mobile(ANA_MOBILE)
            .email(ANA_EMAIL)
            .external_id(ANA_EXTERNAL_ID),
    );
    state
        .customers
        .extend(OTHER_CUSTOMERS.map(|id| Customer::new(CustomerId(id))));
    state.customers.extend([
        Customer::new(CUSTOMER_LOOKUP)
            .mobile(LOOKUP_MOBILE)
            .cuid(LOOKUP_CUID),
        Customer::new(CUSTOMER_TO_ENROL),
        Customer::new(CUSTOMER_ENROLLED),
    ]);

    // The REVOKE_ENROL answer example: issuals 847 to 850, in the example's order.
    for (issual, customer) in [
        (847, 423926199),
        (848, 423926198),
        (849, 423926200),
        (850, 423926201),
    ] {
        state.seed_issual(issual, CustomerId(customer), PROMOTION_202188);
    }
    // Enrolled in 202779, with the earns the REVOKE_EARN examples revoke.
    state.seed_issual(851, CustomerId(423927867), PROMOTION_202779);
    state.seed_issual(852, CustomerId(423927868), PROMOTION_202779);
    for (earn, customer) in [(974, 423927867), (975, 423927868), (977, 423927868)] {
        state.seed_earn(earn, CustomerId(customer), PROMOTION_202779);
    }
    // Direct Issue: 957 is in the answer example, 959, 960 and 963 in the request example.
    for (earn, customer) in [
        (957, 423927848),
        (959, 423927848),
        (960, 423927855),
        (963, 423927855),
        (961, 423927856),
    ] {
        state.seed_earn(earn, CustomerId(customer), PROMOTION_DIRECT);
    }
    state.seed_earn(111, CustomerId(555567088), PROMOTION_74230);
    // The lookup page's example (enrolment 1580, earn 1583) and its enrolled-only timeline;
    // new ids still follow the revoke page's.
    state.seed_aside(CUSTOMER_LOOKUP, PROMOTION_LOOKUP, 1580, &[1583]);
    state.seed_aside(CUSTOMER_ENROLLED, PROMOTION_LOOKUP, 1581, &[]);

    let targets = [
        (
            MILESTONE,
            TargetKind::Milestone {
                periods: PERIODS.map(String::from).to_vec(),
            },
        ),
        (STREAK, TargetKind::Streak),
    ];
    state.groups.insert(
        TARGET_GROUP,
        TargetGroup {
            org: Some(CONNECTED_ORG),
            targets: targets.into_iter().collect(),
        },
    );
}

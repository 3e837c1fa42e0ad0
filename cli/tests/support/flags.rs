//! The revoke every CLI test and bench runs: earns of program 2714, promotion 202779, by
//! customer id (the benches include this file too).

/// The flags of that revoke, less input and options.
pub const REVOKE: &[&str] = &[
    "--action",
    "earn",
    "--program",
    "2714",
    "--promotion",
    "202779",
    "--identifier-name",
    "id",
];

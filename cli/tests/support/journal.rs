//! Reading a run's journal.

use std::path::Path;

use serde_json::Value;

/// The journal's entries (not its header) whose status is `status`.
pub fn journal_entries(file: &Path, status: &str) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["status"] == status)
        .collect()
}

/// The identifier values the journal records as known (revoked or failed).
pub fn journal_values(file: &Path) -> Vec<String> {
    ["revoked", "failed"]
        .iter()
        .flat_map(|s| journal_entries(file, s))
        .map(|e| value(&e))
        .collect()
}

/// The identifier values the journal marks as maybe applied, sorted.
pub fn marked(file: &Path) -> Vec<String> {
    let values = journal_entries(file, "maybeApplied")
        .iter()
        .map(value)
        .collect();
    super::sorted(values)
}

fn value(entry: &Value) -> String {
    entry["identifierValue"].as_str().unwrap().to_string()
}

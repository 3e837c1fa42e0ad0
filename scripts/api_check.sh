#!/usr/bin/env bash
# The public API changes only where the CHANGELOG says it does.
#
# cargo-semver-checks compares the library's public API with the previous release (its git
# tag) as if this were a patch release, so that it lists every breaking change. Each item it
# names must be named in the CHANGELOG's "Upgrading from <previous minor>" section, where the
# upgrade is explained with before/after code. An unlisted break fails the check.
#
#   scripts/api_check.sh            # against the previous release's tag
#   API_BASELINE=<rev> scripts/api_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The previous release: the newest v* tag that is not the commit being checked. A clone
# without tags falls back to the 0.1.0 release commit, which is in main's history.
baseline="${API_BASELINE:-}"
if [ -z "$baseline" ]; then
    head="$(git rev-parse HEAD)"
    for tag in $(git tag --list 'v*' --sort=-v:refname); do
        if [ "$(git rev-parse "$tag^{commit}")" != "$head" ]; then
            baseline="$tag"
            break
        fi
    done
fi
baseline="${baseline:-49d9964}"
version="$(git show "$baseline:Cargo.toml" | sed -n 's/^version = "\([0-9]*\.[0-9]*\).*/\1/p' | head -n 1)"
echo "API check against $baseline (version $version)"

if ! command -v cargo-semver-checks >/dev/null 2>&1; then
    echo "installing cargo-semver-checks from crates.io"
    cargo install cargo-semver-checks --locked
fi

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
# It exits non-zero when it finds breaking changes: that is the list we check, not a failure.
cargo semver-checks -p capillary-sdk --baseline-rev "$baseline" --release-type patch \
    --color never >"$report" 2>&1 || true
if ! grep -q "Summary" "$report"; then
    cat "$report" >&2
    echo "cargo-semver-checks did not finish (above)" >&2
    exit 1
fi

breaks="$(grep -c '^--- failure' "$report" || true)"
if [ "$breaks" -eq 0 ]; then
    echo "API check: no breaking change against $baseline"
    exit 0
fi

section="$(awk -v want="Upgrading from $version" '
    /^#+ / { if (inside) exit; if (index($0, want)) { inside = 1; next } }
    inside { print }' CHANGELOG.md)"
if [ -z "$section" ]; then
    echo "CHANGELOG.md has no \"Upgrading from $version\" section" >&2
    grep -E "^(---|  )" "$report" >&2 || true
    exit 1
fi

# Each "Failed in:" line names an item: the last path segment of its first Rust path (or the
# first bare identifier after the item's kind) must appear in the upgrade section.
missing=0
while IFS= read -r line; do
    item="$(sed -E 's/ (in|previously in) file .*//; s/ in \/.*//' <<<"$line")"
    name="$(grep -oE '[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+' <<<"$item" | head -n 1 || true)"
    if [ -n "$name" ]; then
        name="${name#capillary_sdk::}"
        # Type::member is how the section names a method, a variant or a field.
        name="$(awk -F'::' '{ if (NF > 1) print $(NF-1) "::" $NF; else print $NF }' <<<"$name")"
    else
        name="$(grep -oE '\b[A-Z][A-Za-z0-9_]+\b' <<<"$item" | grep -vE '^(Struct|Enum)$' | head -n 1 || true)"
    fi
    [ -n "$name" ] || continue
    # A path must appear as written; a bare name as a whole word.
    if [[ "$name" == *::* ]]; then
        listed() { grep -qF "$name" <<<"$section"; }
    else
        listed() { grep -qE "\b$name\b" <<<"$section"; }
    fi
    if ! listed; then
        echo "not in the CHANGELOG's \"Upgrading from $version\": $item" >&2
        missing=$((missing + 1))
    fi
done < <(awk '/^Failed in:/ { inside = 1; next } /^$/ { inside = 0 } inside && /^  / { sub(/^  +/, ""); print }' "$report")

if [ "$missing" -gt 0 ]; then
    echo "$missing breaking change(s) the CHANGELOG does not list; cargo-semver-checks said:" >&2
    grep -E "^(--- failure|Failed in:|  )" "$report" >&2 || true
    exit 1
fi
echo "API check: $breaks kind(s) of breaking change against $baseline, every one listed in the CHANGELOG"

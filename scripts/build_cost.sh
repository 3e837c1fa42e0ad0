#!/usr/bin/env bash
# Build cost per TLS feature set, measured side by side in one run: for each set, a clean
# release build of the library alone (its own empty target directory), timed, and the crates
# it pulls in. Prints a markdown table, the one in the README's "Build cost" section.
#
#   scripts/build_cost.sh            # every set
#   scripts/build_cost.sh rustls-ring native-tls
#
# Downloads happen first (`cargo fetch`), so they are not timed. The machine's load is printed
# with the table: other work on the same cores makes every build slower.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

if [ "$#" -gt 0 ]; then
    sets=("$@")
else
    sets=(rustls rustls-ring native-tls custom-transport)
fi
root="$(mktemp -d "${TMPDIR:-/tmp}/capillary-build-cost.XXXXXX")"
trap 'rm -rf "$root"' EXIT

cargo fetch --locked --quiet

# Distinct packages in the tree of one feature set, edges of the given kinds.
count() {
    cargo tree -p capillary-sdk --locked -e "$2" --no-default-features --features "$1" --prefix none \
        --format '{p}' | sed 's/ (.*//' | sort -u | wc -l
}

rows=()
for set in "${sets[@]}"; do
    normal="$(count "$set" normal)"
    compiled="$(count "$set" normal,build)"
    start="$(date +%s.%N)"
    CARGO_TARGET_DIR="$root/$set" cargo build -p capillary-sdk --locked --quiet --release --lib \
        --no-default-features --features "$set"
    end="$(date +%s.%N)"
    seconds="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')"
    rows+=("| \`$set\` | $normal | $compiled | $seconds s |")
    rm -rf "${root:?}/$set"
done

echo "Clean release build of the library alone, $(nproc) cores, $(date -u +%Y-%m-%d)," \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| features (\`--no-default-features --features ..\`) | crates | crates compiled (with build dependencies) | clean release build |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"

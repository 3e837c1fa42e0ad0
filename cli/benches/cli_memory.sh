#!/usr/bin/env bash
# Peak RSS of `capillary revoke --csv` for 10,000 and 1,000,000 generated rows.
#
# Usage: cli/benches/cli_memory.sh BASE_URL [ROWS...]
#   BASE_URL  a server answering POST /v2/promotion/bulk/revokeEnrolAndEarn, e.g.
#             cargo run --example sandbox_server -- --port 8089   ->  http://127.0.0.1:8089
#             cargo bench --bench loopback_server -- --port 8088  ->  http://127.0.0.1:8088
#   ROWS      row counts to measure (default: 10000 1000000)
# Credentials: CAPILLARY_USERNAME / CAPILLARY_PASSWORD (default sandbox / sandbox).
# Peak RSS is the kernel's VmHWM as reported by GNU time ("Maximum resident set size").
set -euo pipefail

url=${1:?usage: cli/benches/cli_memory.sh BASE_URL [ROWS...]}
shift
rows=("${@:-10000 1000000}")
read -r -a rows <<<"${rows[*]}"

cd "$(dirname "$0")/../.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release -p capillary-cli >&2
bin="$target/release/capillary"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export CAPILLARY_USERNAME=${CAPILLARY_USERNAME:-sandbox}
export CAPILLARY_PASSWORD=${CAPILLARY_PASSWORD:-sandbox}

for n in "${rows[@]}"; do
    csv="$work/customers-$n.csv"
    { echo "identifierValue,source"; seq 400000000 $((400000000 + n - 1)) | sed 's/$/,INSTORE/'; } >"$csv"
    start=$(date +%s.%N)
    status=0
    /usr/bin/time -v -o "$work/time-$n" "$bin" --base-url "$url" revoke --action earn \
        --program 2714 --promotion 202779 --identifier-name id --concurrency 8 \
        --csv "$csv" --journal "$work/journal-$n" >"$work/out-$n" 2>"$work/err-$n" || status=$?
    end=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n")
    lines=$(wc -l <"$work/out-$n")
    printf '%9d rows: peak RSS %6.1f MB, %d output lines, exit %d, %.1f s\n' \
        "$n" "$(echo "$rss / 1024" | bc -l)" "$lines" "$status" "$(echo "$end - $start" | bc -l)"
done

#!/usr/bin/env bash
# bench/serve.sh: durable checks per second through `eccn serve` at 1, 8 and 64 concurrent clients
# (kept-alive HTTP connections, eccn-bench-serve), against one `eccn check` process per request at
# the same concurrency and the same durability (each verdict committed with synchronous=FULL
# before its answer), in the same run, the two sides alternating at each concurrency.
# Usage: bench/serve.sh [BUILD_DIR] [SECONDS]   (BUILD_DIR empty: a Release build, common.sh)
# SECONDS (default 5) per side and concurrency. Prints checks/s, p50 and p99 latency, the ratio
# serve/check at each concurrency, and the verdicts per commit the service's group commit made
# (its /metrics). Target: ratio >= 20 at 64 clients.
set -euo pipefail
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
bench_build_dir "${1:-}"
SECS=${2:-5}
[ -x "$B/eccn-bench-serve" ] || cmake --build "$B" -j2 --target eccn-bench-serve >/dev/null
command -v curl >/dev/null || { echo "bench/serve.sh: needs curl" >&2; exit 2; }
T=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
export XDG_STATE_HOME="$T/state" ECCN_CACHE_DIR="$T/cache"
G=(--rules "$SRC/rules" --data "$SRC/data")
TOKEN=$("$B/eccn" serve --add-token bench --tokens "$T/tokens" 2>/dev/null)
"$B/eccn" "${G[@]}" --db "$T/serve.db" serve --listen 127.0.0.1:0 --tokens "$T/tokens" \
    --max-connections 512 >"$T/serve.out" 2>"$T/serve.err" &
pid=$!
for _ in $(seq 100); do
    grep -q "listening on" "$T/serve.out" 2>/dev/null && break
    sleep 0.1
done
PORT=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$T/serve.out")
[ -n "$PORT" ] || { cat "$T/serve.err" >&2; exit 1; }
BODY='{"part":"H800 SXM5","destination":"CN","date":"2024-02-01","quantity":64}'
CHECK=("$B/eccn" "${G[@]}" --db "$T/cli.db" check "H800 SXM5" --to CN --date 2024-02-01 --qty 64)
# First runs: the ledgers exist and the caches are written, as on any machine after its first.
"${CHECK[@]}" >/dev/null || true
curl -s -f -H "Authorization: Bearer $TOKEN" -d "$BODY" "http://127.0.0.1:$PORT/v1/check" \
    >/dev/null
rows() { sqlite3 "$1" "SELECT count(*) FROM verdicts"; }

echo "bench/serve.sh: $BUILD_TYPE build ($B), $SECS s per side, $(date -u '+%F %T') UTC," \
    "load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
printf '  %-8s %-32s %-32s %s\n' clients "eccn serve: checks/s p50 p99" \
    "eccn check per request: /s p50 p99" "ratio"
result=
for c in 1 8 64; do
    s0=$(rows "$T/serve.db") c0=$(rows "$T/cli.db")
    read -r cn cf _ crate cp50 cp99 < <("$B/eccn-bench-serve" exec "$c" "$SECS" "${CHECK[@]}")
    read -r sn sf _ srate sp50 sp99 < <("$B/eccn-bench-serve" http 127.0.0.1 "$PORT" "$TOKEN" \
        "$c" "$SECS" "$BODY")
    ratio=$(awk -v a="$srate" -v b="$crate" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}')
    printf '  %-8s %-32s %-32s %s\n' "$c" "$srate/s ${sp50} ms ${sp99} ms" \
        "$crate/s ${cp50} ms ${cp99} ms" "${ratio}x"
    # Every answer counted is a row, and nothing failed.
    [ $(($(rows "$T/serve.db") - s0)) -ge "$sn" ] && [ $(($(rows "$T/cli.db") - c0)) -ge "$cn" ] ||
        echo "  rows missing at $c clients" >&2
    [ "$sf" = 0 ] && [ "$cf" = 0 ] || echo "  failures at $c clients: serve $sf, check $cf" >&2
    [ "$c" != 64 ] || result="$srate checks/s, p99 $sp99 ms, ratio **${ratio}x**|$crate/s, p99 $cp99 ms|$ratio"
done
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/metrics" >"$T/metrics"
commits=$(sed -n 's/^eccn_ledger_commits_total //p' "$T/metrics")
written=$(sed -n 's/^eccn_ledger_verdicts_written_total //p' "$T/metrics")
echo "  serve: $written verdicts in $commits commits ($(awk -v a="$written" -v b="$commits" \
    'BEGIN {printf "%.1f", a / b}') a commit; each commit syncs the ledger's log once, and the signed head once)"
"$B/eccn" "${G[@]}" --db "$T/serve.db" ledger verify >/dev/null && echo "  serve ledger verifies" ||
    echo "  serve ledger does NOT verify" >&2
IFS='|' read -r figure base ratio <<<"$result"
holds=$(awk -v r="$ratio" 'BEGIN {print (r + 0 >= 20) ? "yes" : "no"}')
echo "  holds (ratio >= 20 at 64 clients): $holds"
bench_result "serve: durable checks at 64 clients, $SECS s ($BUILD_TYPE)" "$figure" \
    "one \`eccn check\` process per request, 64 at once: $base" "ratio >= 20" "$holds"

#!/usr/bin/env bash
# serve.sh: `eccn serve` end to end through real HTTP (curl). Usage: serve.sh ECCN_BINARY
# SOURCE_DIR. Concurrent checks are each recorded exactly once, chained and verified, with the
# client's name as the user; unauthorised and malformed requests are refused and record nothing;
# SIGHUP with changed rules switches the revision between requests, never inside one (each
# answer names the revision its ledger row was recorded under); a reload that fails keeps the
# revision answering. Exits 77 (CTest: skipped) without curl.
set -u
ECCN=$1
SRC=$2
command -v curl >/dev/null || { echo "curl not installed: skipped"; exit 77; }
T=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
export XDG_STATE_HOME="$T/state"
cp -r "$SRC/rules" "$T/rules"
E=("$ECCN" --rules "$T/rules" --data "$SRC/data" --db "$T/ledger.db")
expect "add a token" 0 "$ECCN" serve --add-token erp --tokens "$T/tokens"
TOKEN=$(cat "$T/out")
[ ${#TOKEN} = 64 ] && ok || bad "token: '$TOKEN'"
lacks "only the hash is stored" "$T/tokens" "$TOKEN"
expect "a second client" 0 "$ECCN" serve --add-token wms --tokens "$T/tokens"
OTHER=$(cat "$T/out")
expect "a name taken" 2 "$ECCN" serve --add-token erp --tokens "$T/tokens"
contains "a name taken says so" "$T/err" "has a token already"
expect "a bad name" 2 "$ECCN" serve --add-token "a b" --tokens "$T/tokens"
expect "--tokens is required" 2 "${E[@]}" serve

"${E[@]}" serve --listen 127.0.0.1:0 --tokens "$T/tokens" --max-body 4096 >"$T/serve.out" \
    2>"$T/serve.err" &
pid=$!
for _ in $(seq 100); do
    grep -q "listening on" "$T/serve.out" 2>/dev/null && break
    sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$T/serve.out")
[ -n "$URL" ] || { cat "$T/serve.err"; bad "serve did not start"; finish; exit 1; }

auth=(-H "Authorization: Bearer $TOKEN")
# post ROUTE BODY [CURL ARGS...]: the body answered in $T/body, the status in $T/code
post() {
    local route=$1 body=$2
    shift 2
    curl -s -o "$T/body" -w '%{http_code}' "$@" -d "$body" "$URL$route" >"$T/code"
}
verdicts() { "${E[@]}" ledger list --json | grep -o '"id":' | wc -l; }

curl -s "$URL/healthz" >"$T/h1"
contains "healthz needs no token" "$T/h1" '"status":"ok"'
R1=$(sed -n 's/.*"rules_revision":"\([0-9a-f]*\)".*/\1/p' "$T/h1")

# Eight clients, twelve checks each, at once; every quantity is unique, to find each verdict.
loop() {
    for i in $(seq 12); do
        curl -s -f "${auth[@]}" -d "{\"part\":\"H800 SXM5\",\"destination\":\"CN\",\"date\":\"2024-02-01\",\"quantity\":$(($1 * 100 + i))}" \
            "$URL/v1/check" || echo "FAILED $1 $i"
        echo
    done >"$T/resp.$1"
}
for k in 1 2 3 4 5 6 7 8; do loop $k & done
wait $(jobs -p | grep -v "^$pid$")
cat "$T"/resp.* >"$T/all"
lacks "every concurrent check answered" "$T/all" "FAILED"
n=$(grep -c '"ledger_id":' "$T/all")
[ "$n" = 96 ] && ok || bad "96 answers with a ledger id, got $n"
"${E[@]}" ledger list --json >"$T/list"
grep -o '"quantity":[0-9]*' "$T/list" | sort >"$T/q"
[ "$(wc -l <"$T/q")" = 96 ] && ok || bad "96 verdicts in the ledger, got $(wc -l <"$T/q")"
[ -z "$(uniq -d "$T/q")" ] && ok || bad "a quantity recorded twice: $(uniq -d "$T/q" | head -3)"
grep -o '"ledger_id":[0-9]*' "$T/all" | sort | uniq -d >"$T/dups"
[ ! -s "$T/dups" ] && ok || bad "a ledger id answered twice"
[ "$(grep -o '"user":"erp"' "$T/list" | wc -l)" = 96 ] && ok || bad "the client's name is the user"
expect "ledger verify after concurrent checks" 0 "${E[@]}" ledger verify
contains "verify: chained" "$T/out" "verdicts"

# The answer and the ledger row agree: GET /v1/verdicts/ID.
id=$(grep -o '"ledger_id":[0-9]*' "$T/resp.3" | head -1 | cut -d: -f2)
curl -s "${auth[@]}" -o "$T/body" -w '%{http_code}' "$URL/v1/verdicts/$id" >"$T/code"
contains "verdict by id" "$T/code" 200
contains "verdict by id: its user" "$T/body" '"user":"erp"'
curl -s "${auth[@]}" -o "$T/body" -w '%{http_code}' "$URL/v1/verdicts/999999" >"$T/code"
contains "no such verdict" "$T/code" 404

# Refused, and nothing recorded.
before=$(verdicts)
good='{"part":"H800 SXM5","destination":"CN","date":"2024-02-01"}'
post /v1/check "$good"
contains "no token: 401" "$T/code" 401
post /v1/check "$good" -H "Authorization: Bearer $(tr 0-9a-f 1-9a-f0 <<<"$TOKEN")"
contains "a wrong token: 401" "$T/code" 401
post /v1/check "$good" -H "Authorization: Basic $TOKEN"
contains "not a bearer token: 401" "$T/code" 401
post /v1/check '{"part":"H800 SXM5",' "${auth[@]}"
contains "malformed JSON: 400" "$T/code" 400
contains "malformed JSON says where" "$T/body" "malformed JSON at line 1"
post /v1/check '{"part":"H800 SXM5","destination":"CN","qty":3}' "${auth[@]}"
contains "unknown field: 400" "$T/code" 400
contains "unknown field named" "$T/body" '"field":"qty"'
post /v1/check '{"part":"H800 SXM5","destination":"CN","quantity":"3"}' "${auth[@]}"
contains "wrong type: 400" "$T/code" 400
contains "wrong type named" "$T/body" '"field":"quantity"'
post /v1/check '{"part":"H800 SXM5"}' "${auth[@]}"
contains "missing destination named" "$T/body" '"field":"destination"'
post /v1/check '{"part":"H800 SXM5","destination":"Atlantis"}' "${auth[@]}"
contains "unknown country named" "$T/body" '"field":"destination"'
post /v1/check '{"part":"H800 SXM5","destination":"CN","date":"2024-02-30"}' "${auth[@]}"
contains "bad date named" "$T/body" '"field":"date"'
post /v1/check '["H800"]' "${auth[@]}"
contains "not an object: 400" "$T/code" 400
post /v1/check "{\"part\":\"$(head -c 5000 /dev/zero | tr '\0' x)\",\"destination\":\"CN\"}" "${auth[@]}"
contains "a body over --max-body: 413" "$T/code" 413
post /v1/check "{\"part\":\"$(head -c 5000 /dev/zero | tr '\0' x)\",\"destination\":\"CN\"}" "${auth[@]}" \
    -H "Transfer-Encoding: chunked"
contains "a chunked body over --max-body: 413" "$T/code" 413
curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' x)" \
    "$URL/healthz" >"$T/code"
contains "headers over the limit refused" "$T/code" 431
[ "$(verdicts)" = "$before" ] && ok || bad "a refused request recorded something"

# The other routes.
post /v1/classify '{"part":"H800 SXM5","date":"2024-02-01"}' "${auth[@]}"
contains "classify" "$T/body" '"eccn":"4A090.a"'
post /v1/classify '{"part":"H800 SXM5","destination":"CN"}' "${auth[@]}"
contains "classify knows no destination" "$T/body" '"field":"destination"'
post /v1/screen '{"name":"Huawei Technologies Co., Ltd.","country":"cn"}' "${auth[@]}"
contains "screen" "$T/body" '"result":"hit"'
curl -s "${auth[@]}" "$URL/v1/rules?date=2024-02-01" >"$T/body"
contains "rules in force" "$T/body" '"date":"2024-02-01"'
contains "rules in force: provisions" "$T/body" '"kind":"classification"'
curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$URL/v1/rules?date=tomorrow" >"$T/code"
contains "rules: a bad date" "$T/code" 400
curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$URL/v1/nothing" >"$T/code"
contains "no such route: 404" "$T/code" 404
curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "$URL/v1/check" >"$T/code"
contains "GET on a POST route: 405" "$T/code" 405
curl -s -o /dev/null -w '%{http_code}' "$URL/metrics" >"$T/code"
contains "metrics need a token" "$T/code" 401

# SIGHUP with changed rules, under load: each answer names the revision its ledger row has.
post /v1/check "$good" -H "Authorization: Bearer $OTHER"
contains "the second client" "$T/body" "\"rules_revision\":\"$R1\""
echo "# changed for the reload test" >>"$T/rules/2023-11-17-88fr73458.yaml"
for k in 1 2 3 4; do loop $k & done
sleep 0.3
kill -HUP "$pid"
wait $(jobs -p | grep -v "^$pid$")
for _ in $(seq 50); do
    curl -s "$URL/healthz" | grep -q '"revision":2' && break
    sleep 0.1
done
curl -s "$URL/healthz" >"$T/h2"
contains "reloaded" "$T/h2" '"revision":2'
R2=$(sed -n 's/.*"rules_revision":"\([0-9a-f]*\)".*/\1/p' "$T/h2")
[ -n "$R2" ] && [ "$R2" != "$R1" ] && ok || bad "the reload changed the rules revision"
post /v1/check "$good" "${auth[@]}"
contains "a check after the reload" "$T/body" "\"rules_revision\":\"$R2\""
cat "$T"/resp.[1-4] "$T/body" >"$T/all2"
echo >>"$T/all2"
"${E[@]}" ledger list --json | sed 's/},{"id"/}\n{"id"/g' |
    sed -n 's/.*"id":\([0-9]*\),"created_at":"[^"]*","user":"[^"]*","tool_version":"[^"]*","rules_revision":"\([0-9a-f]*\)".*/\1 \2/p' |
    sort >"$T/rows"
grep '"ledger_id"' "$T/all2" | sed -n 's/.*"rules_revision":"\([0-9a-f]*\)".*"ledger_id":\([0-9]*\).*/\2 \1/p' |
    sort >"$T/answers"
[ "$(wc -l <"$T/answers")" = 49 ] && ok || bad "49 answers around the reload, got $(wc -l <"$T/answers")"
[ -z "$(comm -23 "$T/answers" "$T/rows")" ] && ok ||
    bad "an answer's revision differs from its row's: $(comm -23 "$T/answers" "$T/rows" | head -2)"
grep -q " $R1\$" "$T/rows" && grep -q " $R2\$" "$T/rows" && ok || bad "both revisions recorded"
expect "ledger verify after the reload" 0 "${E[@]}" ledger verify

# A reload that fails keeps the revision answering.
echo "act: [" >>"$T/rules/2023-11-17-88fr73458.yaml"
kill -HUP "$pid"
for _ in $(seq 50); do
    grep -q "reload failed" "$T/serve.err" && break
    sleep 0.1
done
contains "a failed reload is logged" "$T/serve.err" "reload failed, revision 2 goes on answering"
post /v1/check "$good" "${auth[@]}"
contains "the old revision answers" "$T/body" "\"rules_revision\":\"$R2\""
curl -s "${auth[@]}" "$URL/metrics" >"$T/metrics"
contains "metrics: checks by status" "$T/metrics" 'eccn_requests_total{route="check",status="200"}'
contains "metrics: a failed reload" "$T/metrics" 'eccn_reloads_total{outcome="failed"} 1'
contains "metrics: latency" "$T/metrics" 'eccn_request_duration_seconds_bucket{route="check",le="+Inf"}'
grep -q '^eccn_ledger_verdicts_written_total 147$' "$T/metrics" && ok ||
    bad "147 verdicts written: $(grep '^eccn_ledger_verdicts' "$T/metrics")"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] && ok || bad "serve stopped by SIGTERM: exit $rc"
finish

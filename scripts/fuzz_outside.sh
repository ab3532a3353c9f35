#!/usr/bin/env bash
# The outside fuzzing run (issue #10, "Done when"): the product as `make run` serves it, on a
# fresh PostgreSQL database with the demo loaded, fuzzed over HTTP by the schemathesis CLI
# against /api/v1/schema/ as every role (anonymous and one demo user of each of the 13
# roles), positive and negative generation, every check, every phase (examples, coverage,
# fuzzing, stateful), about ten minutes in total.
#
#   make fuzz                                   # or: bash scripts/fuzz_outside.sh
#   FUZZ_SECONDS=600 FUZZ_EXAMPLES=3 FUZZ_DB=kg_fuzz PORT=8610 bash scripts/fuzz_outside.sh
#
# Writes per run the CLI's output and a JUnit report to $FUZZ_OUT (var/fuzz by default),
# prints a summary (scripts/fuzz_summary.py: operations, test cases, failures per run,
# requests and 5xx in the server's log) and exits 1 when a run found a blocking failure (a
# 5xx, a schema violation, an undocumented status or content type, ...).
# Throttles are raised for the run (they have their own tests); the database is dropped and
# created again, so never point FUZZ_DB at a database you need.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=.venv/bin/python
ST=.venv/bin/schemathesis
PORT=${PORT:-8610}
PG=${FUZZ_PG:-postgres://postgres@127.0.0.1:5432}
DB=${FUZZ_DB:-kg_fuzz}
SECONDS_TOTAL=${FUZZ_SECONDS:-600}
EXAMPLES=${FUZZ_EXAMPLES:-3}
SEED=${FUZZ_SEED:-20260302}
OUT=${FUZZ_OUT:-$ROOT/var/fuzz}
BASE="http://127.0.0.1:$PORT"

# role → demo user (kaigong/demo/data/people.py) → the operations it fuzzes (a path regex):
# what the role works with, plus everything for the roles that may use almost nothing (their
# answers must all be 401/403/404, documented). "anonymous" carries no token.
ALL='^/api/v1/'
ROLES=(
  "anonymous::$ALL"
  "applicant:yinan_applicant:^/api/v1/(cases|projects|enterprises|inbox|certificates|track|auth)"
  "helper:yinan_helper:^/api/v1/(cases|projects|enterprises|inbox)"
  "window_clerk:yinan_clerk:^/api/v1/(cases|projects|enterprises|certificates/joint|archives)"
  "centre_admin:yinan_centre_admin:$ALL"
  "callback_agent:binzhou_callback:$ALL"
  "intermediary:binzhou_agency:$ALL"
  "reviewer:yinan_zhifa_reviewer:^/api/v1/(items|cases/(\\{|queue)|certificates)"
  "approver:yinan_zhifa_approver:^/api/v1/(items|certificates|cases/\\{)"
  "inspector:yinan_zhifa_inspector:^/api/v1/(items|cases/\\{|archives)"
  "department_head:yinan_zhifa_head:^/api/v1/(items|cases|certificates)"
  "expert:yinan_zhifa_expert:^/api/v1/(items|cases/\\{)"
  "supervisor:kaigong_supervisor:$ALL"
  "catalog_admin:kaigong_catalog_admin:^/api/v1/(catalog|calendar)"
)

rm -rf "$OUT" && mkdir -p "$OUT/media" "$OUT/keys"
export DJANGO_SETTINGS_MODULE=config.settings.run
export DATABASE_URL="$PG/$DB"
export MEDIA_ROOT="$OUT/media" KAIGONG_KEY_DIR="$OUT/keys"
export API_ANON_RATE=100000/minute API_TOKEN_RATE=100000/minute API_TRACK_RATE=100000/minute
export LOGIN_USER_RATE=100000/minute LOGIN_FAILURE_LIMIT=100000
export DEMO_PASSWORD=${DEMO_PASSWORD:-Kaigong@2026}

echo "== fresh database $DB"
$PY scripts/pg_reachable.py "$PG/postgres" || { echo "PostgreSQL not reachable at $PG"; exit 2; }
# a previous run's connections (its server was stopped) may linger a moment
psql "$PG/postgres" -qAtc "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
  WHERE datname = '$DB' AND pid <> pg_backend_pid()" >/dev/null 2>&1
dropdb --if-exists -d "$PG/postgres" "$DB" 2>/dev/null \
  || psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE \"$DB\"" >/dev/null || exit 2
$PY manage.py migrate --noinput -v 0 || exit 2
$PY manage.py collectstatic --noinput -v 0 || exit 2
$PY manage.py demo_load --if-empty >"$OUT/demo_load.txt" || exit 2
$PY manage.py shell --no-imports <scripts/fuzz_known_ids.py >"$OUT/known.json" || exit 2

echo "== serving on $BASE"
$PY manage.py serve --bind "127.0.0.1:$PORT" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 60); do
  curl -sf -o /dev/null "$BASE/api/v1/schema/" && break
  sleep 1
done
# the served schema, fetched once: each run reads it from the file (generating it takes the
# server seconds that the runs' short shares of the time cannot spare)
curl -sf -o "$OUT/schema.json" -H 'Accept: application/json' "$BASE/api/v1/schema/?format=json" \
  || { echo "the server did not start"; cat "$OUT/server.log"; exit 2; }

token_of() {
  curl -sf -X POST "$BASE/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$DEMO_PASSWORD\"}" \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=fuzz_hooks KAIGONG_FUZZ_KNOWN="$OUT/known.json"

# One schemathesis run: a name, a role (demo user or empty), phases, seconds, and filters.
run_schemathesis() {
  local name=$1 user=$2 phases=$3 seconds=$4
  shift 4
  local args=("$@")
  export KAIGONG_FUZZ_TOKEN=""
  if [ -n "$user" ]; then
    KAIGONG_FUZZ_TOKEN=$(token_of "$user") || { echo "no token for $user"; return 1; }
    # Logging out (or revoking one's own token) would end the token for the rest of the
    # run: those two operations are fuzzed anonymously only.
    args+=(--exclude-path /api/v1/auth/logout/ --exclude-path-regex '^/api/v1/auth/tokens/\{')
  fi
  echo "== $name ${user:+($user)}: $phases, up to ${seconds}s"
  # at the end of its time the CLI is interrupted (SIGINT) and prints its summary
  timeout --signal=INT --kill-after=30 "$seconds" \
    $ST --config-file scripts/fuzz_outside.toml run "$OUT/schema.json" --url "$BASE" \
      "${args[@]}" --mode all --checks all --phases "$phases" \
      --max-examples "$EXAMPLES" --seed "$SEED" --no-shrink --workers 2 \
      --suppress-health-check all --generation-database none \
      --request-timeout 30 --no-color --continue-on-failure \
      --report junit --report-junit-path "$OUT/junit-$name.xml" \
      >"$OUT/$name.txt" 2>&1
  return 0
}

START=$(date +%s)
# 1. The coverage phase (every boundary and negation of every parameter, a fixed list per
#    operation) does not depend much on the role: each group of operations runs it once, as
#    the role that reaches them furthest. 40% of the time.
COVERAGE=$((SECONDS_TOTAL * 2 / 5))
run_schemathesis coverage-anonymous "" coverage $((COVERAGE * 2 / 10)) \
  --include-path-regex '^/api/v1/(auth|calendar|catalog/(bundles|matters)|track|certificates/verify|enterprises/$)'
run_schemathesis coverage-applicant yinan_applicant coverage $((COVERAGE * 4 / 10)) \
  --include-path-regex '^/api/v1/(cases|projects|enterprises/\{|inbox)'
run_schemathesis coverage-reviewer yinan_zhifa_reviewer coverage $((COVERAGE * 3 / 10)) \
  --include-path-regex '^/api/v1/(items|certificates/(\{|$|joint)|archives)'
run_schemathesis coverage-catalog_admin kaigong_catalog_admin coverage $((COVERAGE / 10)) \
  --include-path-regex '^/api/v1/catalog/(export|import)'
# 2. Random generation (positive and negative) and stateful sequences, as every role: the
#    rest of the time, in equal shares. (The schema has no examples: that phase would only
#    spend each run's seconds skipping.)
PER_ROLE=$(((SECONDS_TOTAL - COVERAGE) / ${#ROLES[@]}))
for entry in "${ROLES[@]}"; do
  IFS=: read -r role user paths <<<"$entry"
  run_schemathesis "fuzz-$role" "$user" fuzzing,stateful "$PER_ROLE" \
    --include-path-regex "$paths"
done
ELAPSED=$(( $(date +%s) - START ))
$PY scripts/fuzz_summary.py "$OUT" "$ELAPSED" >"$OUT/summary.txt"
STATUS=$?
cat "$OUT/summary.txt"
echo "reports: $OUT (summary.txt, <run>.txt, junit-<run>.xml, server.log)"
exit $STATUS

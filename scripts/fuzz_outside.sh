#!/usr/bin/env bash
# The outside fuzzing run (issue #10, "Done when"): the product as `make run` serves it, on a
# fresh PostgreSQL database with the demo loaded, fuzzed over HTTP by the schemathesis CLI
# against /api/v1/schema/ as every role (anonymous and one demo user of each of the 13
# roles), positive and negative generation, every check, about ten minutes in total. Every
# operation of the schema is reached: each run takes a fixed number of examples per
# operation (not a share of the time), anonymous and the supervisor take every operation,
# the other roles the operations of their apps, and the coverage phase runs once per group
# of operations (at most FUZZ_COVERAGE_CASES cases each). Runs go FUZZ_JOBS at a time.
#
#   make fuzz                                   # or: bash scripts/fuzz_outside.sh
#   FUZZ_SECONDS=600 FUZZ_JOBS=2 FUZZ_DB=kg_fuzz PORT=8610 bash scripts/fuzz_outside.sh
#
# Writes per run the CLI's output and a JUnit report to $FUZZ_OUT (var/fuzz by default),
# prints a summary (scripts/fuzz_summary.py: operations reached of the schema's, test cases,
# failures per run, requests and 5xx in the server's log) and exits 1 when an operation was
# not reached or a run found a blocking failure (a 5xx, a schema violation, an undocumented
# status or content type, ...).
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
JOBS=${FUZZ_JOBS:-2}
WORKERS=${FUZZ_WORKERS:-2}
export FUZZ_COVERAGE_CASES=${FUZZ_COVERAGE_CASES:-12}
SEED=${FUZZ_SEED:-20260302}
OUT=${FUZZ_OUT:-$ROOT/var/fuzz}
BASE="http://127.0.0.1:$PORT"

# Every operation of the schema is reached: the anonymous run and the supervisor's take
# them all; each other role takes the operations it works with (its apps), where its own
# objects and its refusals (403/404, documented) are; the coverage phase runs once per
# group of operations as the role that reaches them furthest. "anonymous" has no token.
ALL='^/api/v1/'
# role : demo user (kaigong/demo/data/people.py) : examples per operation : operations
ROLES=(
  "anonymous::2:$ALL"
  "supervisor:kaigong_supervisor:2:$ALL"
  "applicant:yinan_applicant:3:^/api/v1/(cases|projects|enterprises|inbox|certificates|track|auth|assistance/(mandates|questions|policies|pre-reviews)|complaints|feedback/(evaluations|invitations|results|appeals)|marketplace|credit/repairs|draws)"
  "helper:yinan_helper:3:^/api/v1/(cases|projects|enterprises|inbox|assistance)"
  "window_clerk:yinan_clerk:3:^/api/v1/(cases|projects|enterprises|certificates|archives|exchange|complaints)"
  "centre_admin:yinan_centre_admin:2:^/api/v1/(assistance|feedback|complaints|marketplace|inspections/standards|supervision|post-approval/(plans|check-items))"
  "callback_agent:binzhou_callback:3:^/api/v1/(feedback|complaints)"
  "intermediary:binzhou_agency:3:^/api/v1/(marketplace|credit|draws|enterprises|inbox)"
  "reviewer:yinan_zhifa_reviewer:3:^/api/v1/(items|cases/(\\{|queue)|certificates|inspections|joint-reviews|assistance/(questions|pre-reviews))"
  "approver:yinan_zhifa_approver:3:^/api/v1/(items|certificates|cases/\\{|joint-reviews|post-approval)"
  "inspector:yinan_zhifa_inspector:3:^/api/v1/(items|cases/\\{|archives|inspections|post-approval)"
  "department_head:yinan_zhifa_head:3:^/api/v1/(items|cases|certificates|supervision|joint-reviews|assistance|inspections)"
  "expert:yinan_zhifa_expert:3:^/api/v1/(items|cases/\\{|assistance/(questions|pre-reviews|workbench)|joint-reviews|inspections)"
  "catalog_admin:kaigong_catalog_admin:3:^/api/v1/(catalog|calendar|webhooks|exchange|credit|post-approval/(plans|check-items))"
)
# the coverage phase (every boundary and negation of every parameter, at most
# FUZZ_COVERAGE_CASES per operation, spread over the whole list): groups that partition
# the operations, each as the role that reaches it furthest
COVERAGE=(
  "applicant:yinan_applicant:^/api/v1/(auth|calendar|cases|projects|enterprises|inbox|track|draws|marketplace)"
  "helper:yinan_helper:^/api/v1/assistance"
  "callback_agent:binzhou_callback:^/api/v1/(feedback|complaints)"
  "reviewer:yinan_zhifa_reviewer:^/api/v1/(items|certificates|archives|joint-reviews)"
  "inspector:yinan_zhifa_inspector:^/api/v1/(inspections|post-approval)"
  "supervisor:kaigong_supervisor:^/api/v1/(supervision|credit)"
  "catalog_admin:kaigong_catalog_admin:^/api/v1/(catalog|webhooks|exchange)"
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

# the public operations (their security allows no credentials) answer without a token on
# their merits: schemathesis' "Authorization missing → 401" does not apply to them
$PY - "$OUT/schema.json" >"$OUT/fuzz.toml" <<'PYEOF' || exit 2
import json, sys
from pathlib import Path
schema = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
public = sorted(
    op["operationId"]
    for item in schema["paths"].values()
    for method, op in item.items()
    if method in ("get", "put", "post", "patch", "delete")
    and {} in (op.get("security") or schema.get("security") or [{}])
)
print(Path("scripts/fuzz_outside.toml").read_text(encoding="utf-8"))
print("[[operations]]")
print(f'include-operation-id-regex = "^({"|".join(public)})$"')
print("checks.missing_required_header.enabled = false")
PYEOF

token_of() {
  curl -sf -X POST "$BASE/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$DEMO_PASSWORD\"}" \
    | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

export PYTHONPATH="$ROOT/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=fuzz_hooks KAIGONG_FUZZ_KNOWN="$OUT/known.json"

# One schemathesis run: a name, a role (demo user or empty), phases, examples per operation,
# and filters. It may use the time left of the whole budget (the runs are sized to end
# well before: an operation not reached shows in the summary).
DEADLINE=$(( $(date +%s) + SECONDS_TOTAL ))
run_schemathesis() {
  local name=$1 user=$2 phases=$3 examples=$4
  shift 4
  local args=("$@")
  export KAIGONG_FUZZ_TOKEN=""
  if [ -n "$user" ]; then
    KAIGONG_FUZZ_TOKEN=$(token_of "$user") || { echo "no token for $user"; return 1; }
    # Logging out (or revoking one's own token) would end the token for the rest of the
    # run: those two operations are fuzzed anonymously only.
    args+=(--exclude-path /api/v1/auth/logout/ --exclude-path-regex '^/api/v1/auth/tokens/\{')
  fi
  local seconds=$(( DEADLINE - $(date +%s) ))
  [ "$seconds" -lt 60 ] && seconds=60
  echo "== $name ${user:+($user)}: $phases, $examples per operation, up to ${seconds}s"
  # at the end of its time the CLI is interrupted (SIGINT) and prints its summary
  timeout --signal=INT --kill-after=30 "$seconds" \
    $ST --config-file "$OUT/fuzz.toml" run "$OUT/schema.json" --url "$BASE" \
      "${args[@]}" --mode all --checks all --phases "$phases" \
      --max-examples "$examples" --seed "$SEED" --no-shrink --workers "$WORKERS" \
      --suppress-health-check all --generation-database none \
      --request-timeout 30 --no-color --continue-on-failure \
      --report junit --report-junit-path "$OUT/junit-$name.xml" \
      >"$OUT/$name.txt" 2>&1
  return 0
}

# Runs go $JOBS at a time (each with $WORKERS workers of its own); RUNS holds their pids
# (the server is a job of this shell too: it is not counted, nor waited for).
RUNS=()
throttle() {
  while :; do
    local running=0 pid
    for pid in "${RUNS[@]}"; do kill -0 "$pid" 2>/dev/null && running=$((running + 1)); done
    [ "$running" -lt "$JOBS" ] && return
    sleep 1
  done
}

START=$(date +%s)
# 1. Random generation (positive and negative) as anonymous and as every role, each on the
#    operations it works with (anonymous and the supervisor: all of them).
for entry in "${ROLES[@]}"; do
  IFS=: read -r role user examples paths <<<"$entry"
  throttle
  run_schemathesis "fuzz-$role" "$user" fuzzing "$examples" --include-path-regex "$paths" &
  RUNS+=($!)
done
# 2. The coverage phase once per group of operations, as the role that reaches it furthest.
for entry in "${COVERAGE[@]}"; do
  IFS=: read -r role user paths <<<"$entry"
  throttle
  run_schemathesis "coverage-$role" "$user" coverage 1 --include-path-regex "$paths" &
  RUNS+=($!)
done
wait "${RUNS[@]}"
ELAPSED=$(( $(date +%s) - START ))
$PY scripts/fuzz_summary.py "$OUT" "$ELAPSED" >"$OUT/summary.txt"
STATUS=$?
cat "$OUT/summary.txt"
echo "reports: $OUT (summary.txt, <run>.txt, junit-<run>.xml, server.log)"
exit $STATUS

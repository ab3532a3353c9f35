#!/usr/bin/env bash
# Real workers in CI (#15 §6, docs/deploy.md#real-workers): PostgreSQL, the Redis broker at
# 127.0.0.1:6379 (database 13, flushed before and after), two web processes, one celery
# worker and one celery beat, CELERY_TASK_ALWAYS_EAGER=false. See scripts/ci_real_workers.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DB="${KAIGONG_CI_DB:-kg_realworkers}"  # another name to run beside CI
REDIS_DB="${KAIGONG_CI_REDIS_DB:-13}"
WORK="$(mktemp -d /tmp/kaigong-real-workers.XXXXXX)"

export DJANGO_SETTINGS_MODULE=config.settings.run
export DJANGO_SECRET_KEY="ci-real-workers-not-secret"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DB}"
export REDIS_URL="redis://127.0.0.1:6379/${REDIS_DB}"
export CELERY_BROKER_URL="${REDIS_URL}"
export CELERY_TASK_ALWAYS_EAGER=false
export KAIGONG_WORKER=celery
export KAIGONG_RELAY_INTERVAL_SECONDS=2
export KAIGONG_RELAY_BACKOFF_SECONDS=1
export KAIGONG_EXCHANGE_INTERVAL_SECONDS=5
export KAIGONG_WEBHOOK_ALLOW_HTTP=true
export KAIGONG_KEY_DIR="${WORK}/keys"
export KAIGONG_CI_WORK="${WORK}"
export KAIGONG_CI_PORT_A="${KAIGONG_CI_PORT_A:-18731}"
export KAIGONG_CI_PORT_B="${KAIGONG_CI_PORT_B:-18732}"
export LOG_LEVEL=WARNING
export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"

cleanup() {
  psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n "${REDIS_DB}" flushdb >/dev/null 2>&1 || true
  if [ "${KEEP_WORK:-}" = "" ]; then rm -rf "${WORK}"; else echo "logs kept in ${WORK}"; fi
}
trap cleanup EXIT

PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" >/dev/null
psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE ${DB}" >/dev/null
redis-cli -h 127.0.0.1 -n "${REDIS_DB}" flushdb >/dev/null
started=$(date +%s)
$PY manage.py migrate --noinput >/dev/null
echo "real workers: migrated in $(( $(date +%s) - started )) s"
if ! $PY scripts/ci_real_workers.py; then
  for log in "${WORK}"/*.log; do echo "--- ${log}"; tail -40 "${log}"; done
  exit 1
fi
echo "real workers: done in $(( $(date +%s) - started )) s"

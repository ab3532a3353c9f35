#!/usr/bin/env bash
# Run the suite on one database: `sqlite` or `postgres`.
# PostgreSQL comes from TEST_DATABASE_URL, else the local server at 127.0.0.1:5432.
# Without one the PostgreSQL run is skipped with a notice, except with CI=true, where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
which_db=${1:-sqlite}
workers=${TEST_WORKERS:-2}
.venv/bin/python scripts/compile_messages.py >/dev/null
PYTEST=(.venv/bin/python -m pytest -n "$workers" --dist loadfile)

case "$which_db" in
  sqlite)
    echo "== tests on SQLite"
    env -u TEST_DATABASE_URL "${PYTEST[@]}" "${@:2}"
    ;;
  postgres)
    url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kaigong}
    if ! .venv/bin/python scripts/pg_reachable.py "$url"; then
      if [ "${CI:-}" = "true" ]; then
        echo "PostgreSQL is required in CI but $url is not reachable." >&2
        exit 1
      fi
      echo "== PostgreSQL not reachable at $url: skipping the PostgreSQL run (CI requires it)."
      exit 0
    fi
    echo "== tests on PostgreSQL ($url)"
    TEST_DATABASE_URL="$url" "${PYTEST[@]}" "${@:2}"
    ;;
  *) echo "usage: scripts/test.sh sqlite|postgres [pytest args]" >&2; exit 2 ;;
esac

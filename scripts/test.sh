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
    # The browser tests run once, in the SQLite run (the database `make run` serves by
    # default): they drive pages, and the served-product test starts its own SQLite product.
    # KAIGONG_BROWSER_ON_POSTGRES=1 runs them here too (README.md).
    marks=(-m "not browser")
    [ "${KAIGONG_BROWSER_ON_POSTGRES:-}" = "1" ] && marks=()
    echo "== tests on PostgreSQL ($url)${marks:+, browser tests left to the SQLite run}"
    TEST_DATABASE_URL="$url" "${PYTEST[@]}" "${marks[@]}" "${@:2}"
    ;;
  *) echo "usage: scripts/test.sh sqlite|postgres [pytest args]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# `make bench`: every benchmark with its budget; figures are recorded in docs/benchmarks.md.
# The guide and certificate benchmarks run on a scratch SQLite database with the demo data;
# the workflow, worklist, supervision and scale benchmarks make their own scratch PostgreSQL database (they say
# "skipped" when PostgreSQL is not reachable).
set -uo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.dev
scratch=var/bench.sqlite3
rm -f "$scratch"
export DATABASE_URL="sqlite:///$PWD/$scratch"
echo "== preparing $scratch (migrate + demo data)"
.venv/bin/python manage.py migrate --noinput -v 0 && .venv/bin/python manage.py demo_load >/dev/null || exit 1
status=0
for cmd in $(.venv/bin/python manage.py help --commands 2>/dev/null | grep '^bench_'); do
  echo "== $cmd"
  .venv/bin/python manage.py "$cmd" || status=1
done
rm -f "$scratch"
exit $status

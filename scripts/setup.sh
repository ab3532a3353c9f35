#!/usr/bin/env bash
# Set-up for `make install`: a virtualenv with the pinned dependencies and compiled translations.
# Needs only python3 >= 3.11 on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && \
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Kaigong needs Python 3.11 or newer (python3 not found or too old)." >&2
  return 1
}

PYTHON_BIN=$(pick_python)
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv with $PYTHON_BIN"
  "$PYTHON_BIN" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
echo "Installing pinned dependencies"
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  -r requirements/dev.txt -c requirements/constraints.txt 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c 'import django, rest_framework, chinese_calendar' # fail loudly if the install did
.venv/bin/python scripts/compile_messages.py
bash scripts/system_packages.sh fonts
mkdir -p var/static var/media

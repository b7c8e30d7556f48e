#!/usr/bin/env bash
# The whole test suite: sets up .venv itself, then lint and pytest (Qt offscreen).
# PostgreSQL tests run too when PCN_TEST_POSTGRES_URL is set (.ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
.venv/bin/ruff check .
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "$@"

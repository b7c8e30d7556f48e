#!/usr/bin/env bash
# Launch PCN Assistant on a freshly generated demo database (sets up .venv itself).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
exec .venv/bin/pcn-assistant --demo "$@"

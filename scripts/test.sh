#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then lint and test.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser test drives Debian's chromium through Playwright; Playwright's own
# browser download is not used.
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

python3 -m ruff format --check .
python3 -m ruff check .
python3 -m pytest "$@"

#!/usr/bin/env bash
# Runs every test (unit and integration) and ends with `N passed, N failed`.
# Integration tests need root and the Debian packages of scripts/install-deps.sh; in CI (CI=true)
# a missing prerequisite is a failure, never a silent skip.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
rm -f build/test-results.json
if [ $# -eq 0 ]; then set -- "test/**/*.test.ts"; fi
npx mocha --reporter ./test/support/ci-reporter.cjs "$@"

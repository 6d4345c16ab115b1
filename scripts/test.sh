#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then the Swift test suites.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build

#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then the Swift test suites.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# Every target declares exactly what it imports, within the layering of docs/ARCHITECTURE.md.
python3 scripts/check-layering.py
swift build --build-tests
# The command line's own checks first, so the Swift test summary is the last thing printed.
scripts/test-cli.sh "$(swift build --show-bin-path)/batch-openai"
scripts/sdk-check.sh "$(swift build --show-bin-path)/batch-openai"
scripts/openapi-check.sh "$(swift build --show-bin-path)/batch-openai"
# Swift Testing starts every test at once on the 2-thread cooperative pool; tests that build large inputs
# synchronously then hold both threads long enough for socket tests' deadlines to pass. A bounded width
# keeps the suite parallel without queueing them all at once (docs/ARCHITECTURE.md § Tests).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-8}"
# The token counter's oracle: bpe-openai's exact counts of a generated corpus and of request lines (inputs/ and
# generated ones), and the vocabularies it ships; TokenOracleTests compares the Swift counter with them.
oracle_dir="$(mktemp -d)"
trap 'rm -rf "$oracle_dir"' EXIT
python3 scripts/tokens/oracle.py corpus "$oracle_dir/corpus.jsonl"
python3 scripts/tokens/oracle.py sample-requests "$oracle_dir/sample.jsonl"
python3 scripts/tokens/oracle.py requests "$oracle_dir/requests.jsonl" inputs/*.jsonl "$oracle_dir/sample.jsonl"
export BATCH_OPENAI_TOKEN_ORACLE="$oracle_dir/corpus.jsonl" BATCH_OPENAI_TOKEN_ORACLE_REQUESTS="$oracle_dir/requests.jsonl"
export BATCH_OPENAI_TEST_TOKENIZER_DIR="$(python3 scripts/tokens/oracle.py tokenizer-dir)"
swift test --skip-build

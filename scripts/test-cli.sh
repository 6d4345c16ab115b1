#!/usr/bin/env bash
# Runs the built binary's `build-input`, `parse` and the batch commands (against `sim`) on the samples in a scratch directory and
# checks outputs and exit codes (0 success, 1 failure, usage errors non-zero).
# Usage: scripts/test-cli.sh [path/to/batch-openai]   (default .build/debug/batch-openai)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/.build/debug/batch-openai}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
work="$(mktemp -d "${TMPDIR:-/tmp}/test-cli.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -r "$root/prompts" "$root/inputs" "$work/"
cd "$work"
failures=0
# Usage errors exit 2 (the root command maps ArgumentParser's 64 to it).
usage_exit="${USAGE_EXIT:-2}"

check() {  # check <description> <expected exit> <command...>
    local description="$1" expected="$2"
    shift 2
    "$@" > out.txt 2> err.txt
    local status=$?
    if [ "$status" -ne "$expected" ]; then
        echo "FAIL $description: exit $status, expected $expected"; cat out.txt err.txt; failures=$((failures + 1))
    else
        echo "ok   $description"
    fi
}

check "build-input succeeds" 0 "$bin" build-input --payload inputs/sample_payload.json --out inputs/payloads/sample.jsonl --prompts prompts --persist-context
grep -q '^wrote 8 requests' out.txt || { echo "FAIL build-input summary"; failures=$((failures + 1)); }
[ -f inputs/by_process/billing/sequence/seg-001.md ] || { echo "FAIL persisted context"; failures=$((failures + 1)); }
cp inputs/payloads/sample.jsonl first.jsonl
check "build-input is deterministic" 0 "$bin" build-input --payload inputs/sample_payload.json --out inputs/payloads/sample.jsonl --prompts prompts --json
cmp -s first.jsonl inputs/payloads/sample.jsonl || { echo "FAIL bytes differ between runs"; failures=$((failures + 1)); }
grep -q '"requests":8' out.txt || { echo "FAIL build-input --json"; failures=$((failures + 1)); }

echo '{"model":"m","processes":[{"title":"x","context":"y"}]}' > bad.json
check "bad payload exits 1" 1 "$bin" build-input --payload bad.json --out x.jsonl --prompts prompts
grep -q 'processes\[0\].id is missing' err.txt || { echo "FAIL payload error text"; cat err.txt; failures=$((failures + 1)); }
check "missing option is a usage error" "$usage_exit" "$bin" build-input --payload bad.json

mkdir -p outputs/batch_cli
# Fake results for every request of the sample input: the answer echoes the custom_id.
while IFS= read -r line; do
    id=$(printf '%s' "$line" | sed 's/^{"custom_id":"\([^"]*\)".*/\1/')
    printf '{"id":"batch_req","custom_id":"%s","response":{"status_code":200,"request_id":"r","body":{"choices":[{"index":0,"message":{"role":"assistant","content":"answer for %s"}}]}},"error":null}\n' "$id" "$id"
done < inputs/sample_input.jsonl > outputs/batch_cli/output.jsonl
printf '{"id":"batch_req","custom_id":"late","response":null,"error":{"code":"batch_expired","message":"expired"}}\n' > outputs/batch_cli/errors.jsonl

check "parse succeeds" 0 "$bin" parse batch_cli
grep -q '6 written, 0 skipped (already there), 1 failed' out.txt || { echo "FAIL parse summary"; cat out.txt; failures=$((failures + 1)); }
[ -f outputs/batch_cli/docs/MinhaClasse.meuMetodo.m3type_business.business.md ] || { echo "FAIL business doc"; failures=$((failures + 1)); }
[ -f outputs/batch_cli/docs/MinhaClasse.meuMetodo.m3type_tech_resume.tech.md ] || { echo "FAIL tech doc"; failures=$((failures + 1)); }
[ -f outputs/batch_cli/docs/billing/final.md ] || { echo "FAIL final.md"; failures=$((failures + 1)); }
[ -f outputs/batch_cli/docs/billing/sequence/seg-001.puml ] || { echo "FAIL puml from template format"; failures=$((failures + 1)); }
check "second parse skips everything" 0 "$bin" parse batch_cli --json
grep -q '"processed":0' out.txt && grep -q '"skipped":6' out.txt || { echo "FAIL second run"; cat out.txt; failures=$((failures + 1)); }
check "force with only" 0 "$bin" parse batch_cli --force --only request-1 --json
grep -q '"processed":1' out.txt || { echo "FAIL --only"; cat out.txt; failures=$((failures + 1)); }
[ "$(grep -c '"status" : ' outputs/batch_cli/index.json)" = 7 ] || { echo "FAIL --only keeps the other entries"; cat outputs/batch_cli/index.json; failures=$((failures + 1)); }
check "an unknown --only id exits 1" 1 "$bin" parse batch_cli --only request-1 --only no-such-id
grep -q "unknown custom_id in only: 'no-such-id'" err.txt || { echo "FAIL unknown --only message"; cat err.txt; failures=$((failures + 1)); }
check "unknown batch exits 1" 1 "$bin" parse batch_missing
grep -q 'no output.jsonl or errors.jsonl' err.txt || { echo "FAIL missing batch message"; failures=$((failures + 1)); }
check "hostile batch id is a usage error" "$usage_exit" "$bin" parse ../etc

# create | get | cancel | list | run: usage errors exit 2 before anything is sent.
check "list --limit 0 is a usage error" "$usage_exit" "$bin" list --limit 0
grep -q 'expected a number of batches from 1 to 100' err.txt || { echo "FAIL --limit message"; cat err.txt; failures=$((failures + 1)); }
check "get without --id is a usage error" "$usage_exit" "$bin" get
check "malformed spec is a usage error" "$usage_exit" "$bin" create --requests "user: Hello /// hello"
grep -q 'request 2, message 1' err.txt || { echo "FAIL spec error names the request"; cat err.txt; failures=$((failures + 1)); }
printf '%s\n' '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}' '{broken' > bad.jsonl
check "create --input with a bad line exits 1" 1 env OPENAI_API_KEY=sk-unused "$bin" create --input bad.jsonl
grep -q 'bad.jsonl:2: invalid_json_line' err.txt || { echo "FAIL bad line number"; cat err.txt; failures=$((failures + 1)); }

# One round trip against the simulator: create, get, list, run to documents.
"$bin" sim --port 0 --api-key sk-cli-check --validation-delay 0 --request-latency 0 --finalizing-delay 0 --log-level warning > sim.txt 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do grep -q '/v1$' sim.txt && break; sleep 0.1; done
sim_url=$(sed -n 's/^simulator listening on //p' sim.txt)
if [ -z "$sim_url" ]; then
    echo "FAIL simulator did not start"; cat sim.txt; failures=$((failures + 1))
else
    export OPENAI_BASE_URL="$sim_url" OPENAI_API_KEY=sk-cli-check
    check "create --requests" 0 "$bin" create --requests "system: You are helpful. || user: Hello /// user: How are you?" --json
    batch_id=$(sed -n 's/.*"id":"\(batch_[^"]*\)".*/\1/p' out.txt)
    [ -n "$batch_id" ] || { echo "FAIL create --json has no id"; cat out.txt; failures=$((failures + 1)); }
    check "get --id" 0 "$bin" get --id "$batch_id"
    grep -q "id: *$batch_id" out.txt || { echo "FAIL get prints the id"; cat out.txt; failures=$((failures + 1)); }
    check "get of an unknown id exits 1" 1 "$bin" get --id batch_missing
    grep -q 'HTTP 404' err.txt || { echo "FAIL 404 message"; cat err.txt; failures=$((failures + 1)); }
    check "list" 0 "$bin" list --limit 1
    grep -q "^ 1. id=$batch_id " out.txt || { echo "FAIL list entry"; cat out.txt; failures=$((failures + 1)); }
    check "run to documents" 0 "$bin" run inputs/sample_input.jsonl --poll-interval 0.1 --json
    grep -q '"succeeded":true' out.txt || { echo "FAIL run result"; cat out.txt err.txt; failures=$((failures + 1)); }
    if grep -q 'sk-cli-check' out.txt err.txt; then echo "FAIL the API key was printed"; failures=$((failures + 1)); fi
    unset OPENAI_BASE_URL OPENAI_API_KEY
fi
kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null

[ "$failures" -eq 0 ] && echo "all command-line checks passed" || echo "$failures command-line check(s) failed"
exit $(( failures > 0 ))

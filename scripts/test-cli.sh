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

# --persist-context: a JSONL per process, the context pack per topic and the compiled prompts (seed 000).
for f in inputs/by_process/billing.jsonl inputs/by_process/billing/business/context.md inputs/by_process/_methods.jsonl; do
    [ -f "$f" ] || { echo "FAIL --persist-context wrote no $f"; failures=$((failures + 1)); }
done
[ "$(wc -l < inputs/by_process/billing.jsonl)" -eq "$(grep -c '"custom_id":"billing/' inputs/payloads/sample.jsonl)" ] \
    || { echo "FAIL billing.jsonl holds the process's lines"; failures=$((failures + 1)); }
# The seed's own form: a folder after the flag (and its Windows separator).
check "build-input --persist-context DIR (the seed's form)" 0 "$bin" build-input --payload inputs/sample_payload.json --out inputs/payload_sada.jsonl --prompts prompts --persist-context inputs/compiled
[ -f inputs/compiled/billing.jsonl ] && [ -f inputs/compiled/billing/tech/seg-001.md ] && [ -f inputs/compiled/billing/tech/context.md ] \
    || { echo "FAIL --persist-context inputs/compiled"; ls -R inputs; failures=$((failures + 1)); }
check "build-input --persist-context 'inputs\\win'" 0 "$bin" build-input --payload inputs/sample_payload.json --out w.jsonl --persist-context 'inputs\win'
[ -f inputs/win/billing.jsonl ] || { echo "FAIL Windows separator"; failures=$((failures + 1)); }
check "build-input --persist-context=DIR" 0 "$bin" build-input --payload inputs/sample_payload.json --out e.jsonl --persist-context=ctx --log-level warning
[ -f ctx/billing.jsonl ] || { echo "FAIL --persist-context=DIR"; failures=$((failures + 1)); }

# Every command takes --env-file and --log-level; errors read "Error: ..." everywhere.
echo 'BATCH_OPENAI_PORT=9009' > other.env
check "validate takes --env-file and --log-level" 0 "$bin" validate inputs/sample_input.jsonl --env-file other.env --log-level warning
check "build-input takes --env-file and --log-level" 0 "$bin" build-input --payload inputs/sample_payload.json --out x.jsonl --env-file other.env --log-level debug
for command in serve run create get cancel list wait download validate build-input parse config sim; do
    "$bin" "$command" --help > help.txt 2>&1
    grep -q -- '--env-file' help.txt && grep -q -- '--log-level' help.txt || { echo "FAIL $command takes no --env-file/--log-level"; failures=$((failures + 1)); }
done
check "a bad --log-level is a usage error" "$usage_exit" "$bin" validate inputs/sample_input.jsonl --log-level loud
check "config --json" 0 "$bin" config --json --env-file other.env
jq -e '.BATCH_OPENAI_PORT == "9009" and .OPENAI_API_KEY == null' out.txt > /dev/null 2>&1 || { echo "FAIL config --json"; cat out.txt; failures=$((failures + 1)); }
printf '{\n  "model": "m",\n  "processes": [ {"id": "p",, } ]\n}\n' > broken.json
check "payload with a JSON error exits 1" 1 "$bin" build-input --payload broken.json --out x.jsonl
grep -q '^Error: broken.json: is not valid JSON: .* at line 3, column [0-9]*$' err.txt || { echo "FAIL JSON error with line and column"; cat err.txt; failures=$((failures + 1)); }
check "missing payload exits 1" 1 "$bin" build-input --payload nowhere.json --out x.jsonl
grep -q '^Error: nowhere.json: no such file$' err.txt || { echo "FAIL missing payload message"; cat err.txt; failures=$((failures + 1)); }
check "sim --fault bogus is a usage error" "$usage_exit" "$bin" sim --fault bogus
grep -q "Error: --fault 'bogus': not a fault spec. Expected FAULT\[xCOUNT\]\[@TARGET\]" err.txt && grep -q 'drop@POST /v1/batches' err.txt \
    || { echo "FAIL --fault lists the accepted forms"; cat err.txt; failures=$((failures + 1)); }

echo '{"model":"m","processes":[{"title":"x","context":"y"}]}' > bad.json
check "bad payload exits 1" 1 "$bin" build-input --payload bad.json --out x.jsonl --prompts prompts
grep -q '^Error: processes\[0\].id is missing' err.txt || { echo "FAIL payload error text"; cat err.txt; failures=$((failures + 1)); }
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
grep -q '^Error: no output.jsonl or errors.jsonl .*: batch-openai download batch_missing$' err.txt || { echo "FAIL missing batch message"; cat err.txt; failures=$((failures + 1)); }
check "parse --log-level debug keeps stdout for --json" 0 "$bin" parse batch_cli --json --log-level debug
jq -e . out.txt > /dev/null 2>&1 && grep -q 'parsed batch results' err.txt \
    || { echo "FAIL parse logs on stderr at --log-level, stdout one JSON document"; cat out.txt err.txt; failures=$((failures + 1)); }
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
    jq -e '.usage.total.input_tokens > 0 and .usage.models[0].cost_usd > 0' out.txt > /dev/null 2>&1 || { echo "FAIL run --json usage"; cat out.txt; failures=$((failures + 1)); }
    if grep -q 'sk-cli-check' out.txt err.txt; then echo "FAIL the API key was printed"; failures=$((failures + 1)); fi

    # The step-by-step flow in the terminal: create, wait, download, parse.
    check "create for the steps" 0 "$bin" create --requests "user: Hello /// user: Bye" --json
    step_id=$(jq -r .id out.txt)
    check "parse before download points to download" 1 "$bin" parse "$step_id"
    grep -q "batch-openai download $step_id" err.txt || { echo "FAIL parse hint"; cat err.txt; failures=$((failures + 1)); }
    check "wait ID --json" 0 "$bin" wait "$step_id" --poll-interval 0.05 --timeout 60 --json
    jq -e '.status == "completed"' out.txt > /dev/null 2>&1 || { echo "FAIL wait result"; cat out.txt; failures=$((failures + 1)); }
    [ -f "outputs/$step_id/batch.json" ] || { echo "FAIL wait keeps batch.json"; failures=$((failures + 1)); }
    check "download ID" 0 "$bin" download "$step_id"
    grep -q "Next: batch-openai parse $step_id" out.txt && [ -f "outputs/$step_id/output.jsonl" ] || { echo "FAIL download"; cat out.txt; failures=$((failures + 1)); }
    grep -q '^  gpt-4o-mini: 2 requests, .* tokens: \$0\.' out.txt && [ -f "outputs/$step_id/usage.json" ] || { echo "FAIL download usage"; cat out.txt; failures=$((failures + 1)); }
    check "download ID --json" 0 "$bin" download "$step_id" --json
    jq -e '.output_file != null and .missing_custom_ids == [] and .usage.total.requests == 2' out.txt > /dev/null 2>&1 || { echo "FAIL download --json"; cat out.txt; failures=$((failures + 1)); }
    check "parse after download" 0 "$bin" parse "$step_id"
    check "wait of an unknown id exits 1" 1 "$bin" wait batch_missing --poll-interval 0.05
    check "wait without an id is a usage error" "$usage_exit" "$bin" wait

    # The Go example's flag form (seed 003), pasted as its README writes it.
    check "-action create -requests" 0 "$bin" -action create -requests "system: You are a helpful assistant. || user: Hello /// system: You are a helpful assistant. || user: How are you?"
    go_id=$(sed -n 's/.*[Ii][Dd]: *\(batch_[^ ]*\).*/\1/p' out.txt | head -n 1)
    grep -q 'Creating a batch of 2 requests' out.txt && [ -n "$go_id" ] || { echo "FAIL -action create"; cat out.txt err.txt; failures=$((failures + 1)); }
    "$bin" get --id "$go_id" > expected.txt 2>&1
    check "-action get -id" 0 "$bin" -action get -id "$go_id"
    cmp -s out.txt expected.txt || { echo "FAIL -action get differs from get --id"; diff out.txt expected.txt; failures=$((failures + 1)); }
    check "-action list -limit 5 -after" 0 "$bin" -action list -limit 5 -after "$go_id"
    grep -q 'Listing up to 5 batches (after='"$go_id"')' out.txt || { echo "FAIL -action list"; cat out.txt; failures=$((failures + 1)); }
    check "no -action lists, as the Go example" 0 "$bin" -limit 1
    grep -q "^ 1. id=" out.txt || { echo "FAIL default action"; cat out.txt; failures=$((failures + 1)); }
    check "-action=get -id=ID --json (our options mixed in)" 0 "$bin" -action=get -id="$go_id" --json --log-level warning
    jq -e --arg id "$go_id" '.id == $id' out.txt > /dev/null 2>&1 || { echo "FAIL -action=get --json"; cat out.txt err.txt; failures=$((failures + 1)); }
    # With no latency the batch is over already: the backend's refusal shows the rewrite reached cancel.
    check "-action cancel -id" 1 "$bin" -action cancel -id "$go_id" -model ignored
    grep -q "^Error: cancel batch $go_id failed: HTTP 409" err.txt || { echo "FAIL -action cancel"; cat err.txt; failures=$((failures + 1)); }
    check "-action bogus is a usage error" "$usage_exit" "$bin" -action bogus
    grep -q 'expected create, get, cancel or list' err.txt || { echo "FAIL -action message"; cat err.txt; failures=$((failures + 1)); }
    unset OPENAI_BASE_URL OPENAI_API_KEY
fi
kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null

# serve --sim: the simulator's options under --sim-*, and the bearer it requires (OpenAI's 401 without one).
check "serve --help lists the simulator's options" 0 "$bin" serve --help
for option in --sim-port --sim-fault --sim-failure-rate --sim-request-latency --sim-token-limit-failures --sim-api-key --sim-data-dir; do
    grep -q -- "$option" out.txt || { echo "FAIL serve --help has no $option"; failures=$((failures + 1)); }
done
mkdir -p served
sim_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd served && exec "$bin" serve --sim --port 0 --sim-port "$sim_port" --sim-api-key sk-sim-check --sim-fault '503x1@GET /v1/batches' \
    --sim-validation-delay 0 --log-level info > ../serve.txt 2> ../serve.err) &
serve_pid=$!
# The log reaches stderr from its own thread, a little after stdout's announcement: wait for both.
for _ in $(seq 1 100); do grep -q 'serving on' serve.txt && grep -q 'simulator on' serve.err && break; sleep 0.1; done
sim_at=$(grep -o 'simulator on http://[^ ]*/v1' serve.err | head -n 1 | sed 's/^simulator on //')
if [ -z "$sim_at" ]; then
    echo "FAIL serve --sim did not start"; cat serve.txt serve.err; failures=$((failures + 1))
else
    [ "$sim_at" = "http://127.0.0.1:$sim_port/v1" ] || { echo "FAIL --sim-port: $sim_at"; failures=$((failures + 1)); }
    code=$(curl -s -o body.json -w '%{http_code}' "$sim_at/batches")
    [ "$code" = 401 ] && jq -e '.error.message | startswith("You didn'"'"'t provide an API key")' body.json > /dev/null \
        || { echo "FAIL simulator without a key: $code"; cat body.json; failures=$((failures + 1)); }
    code=$(curl -s -o body.json -w '%{http_code}' -H 'Authorization: Bearer sk-wrong' "$sim_at/batches")
    [ "$code" = 401 ] || { echo "FAIL simulator with a wrong key: $code"; failures=$((failures + 1)); }
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer sk-sim-check' "$sim_at/batches")
    [ "$code" = 503 ] || { echo "FAIL --sim-fault did not reach the simulator: $code"; failures=$((failures + 1)); }
    # serve's own client has the key: a run goes through.
    rest=$(sed -n 's/.*serving on \(http:[^ ]*\).*/\1/p' serve.txt)
    printf '%s\n' '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"hi"}]}}' > one.jsonl
    code=$(curl -s -o body.json -w '%{http_code}' -F file=@one.jsonl -F poll_interval=0.05 "$rest/batches/run-file")
    [ "$code" = 200 ] && jq -e '.status == "completed"' body.json > /dev/null \
        || { echo "FAIL serve --sim run: $code"; cat body.json serve.err; failures=$((failures + 1)); }
    if grep -q 'sk-sim-check' serve.txt serve.err; then echo "FAIL the simulator key was logged"; failures=$((failures + 1)); fi

    # clean.sh refuses while the server holds its outputs folder (BATCH_OPENAI_OUTPUTS), unless --force.
    mkdir -p repo/scripts repo/outputs/batch_keep && cp "$root/scripts/clean.sh" repo/scripts/
    mkdir -p served/outputs/batch_old
    check "clean.sh refuses under a running server" 1 env BATCH_OPENAI_OUTPUTS="$work/served/outputs" bash repo/scripts/clean.sh
    grep -q 'stop it first, or use --force' err.txt && [ -d served/outputs/batch_old ] || { echo "FAIL clean.sh under a server"; cat out.txt err.txt; failures=$((failures + 1)); }
    check "clean.sh --force" 0 env BATCH_OPENAI_OUTPUTS="$work/served/outputs" bash repo/scripts/clean.sh --force
    [ ! -d served/outputs/batch_old ] && [ -d repo/outputs/batch_keep ] || { echo "FAIL clean.sh --force with BATCH_OPENAI_OUTPUTS"; ls served/outputs repo/outputs; failures=$((failures + 1)); }
fi
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null
if [ -d repo/scripts ]; then
    mkdir -p served/outputs/batch_after
    check "clean.sh once the server stopped" 0 env BATCH_OPENAI_OUTPUTS=../served/outputs bash repo/scripts/clean.sh
    [ ! -d served/outputs/batch_after ] || { echo "FAIL clean.sh after the server stopped (relative to the root)"; failures=$((failures + 1)); }
    check "clean.sh --help" 0 bash repo/scripts/clean.sh --help
    if grep -q 'set -euo' out.txt; then echo "FAIL clean.sh --help prints code"; failures=$((failures + 1)); fi
fi

[ "$failures" -eq 0 ] && echo "all command-line checks passed" || echo "$failures command-line check(s) failed"
exit $(( failures > 0 ))

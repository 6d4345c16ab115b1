#!/usr/bin/env bash
# Property-based fuzzing of the REST API against its own description (issue 11 §11): starts
# `batch-openai serve --sim` on 127.0.0.1 (a free port, simulator delays 0) in a temporary folder holding
# inputs/sample_input.jsonl, and runs schemathesis (PyPI; installed into a virtualenv under ~/.cache when missing)
# on GET /openapi.json with its conformance checks: no 5xx, documented statuses, content types, headers and
# response schemas, schema-valid requests accepted and schema-violating ones refused, Allow headers.
# Bounded: --max-examples per operation (default 20) and --max-time for the whole run (default 120 s); about
# 1-2 minutes here, so it is a script of its own rather than a step of openapi-check.sh (which stays under 60 s).
# Left out: the stateful phase and the checks that need it (use_after_free, ensure_resource_availability), and
# ignored_auth / object_level_authorization (without BATCH_OPENAI_TOKEN auth is optional by design; the token
# rule has its own tests). run-file's "schema-valid request accepted" is off: a generated upload is not named
# *.jsonl, which the seed's rule refuses with 400 and a schema cannot say. A 422 counts as accepting a schema-valid
# body: the rules that span a file's lines (distinct custom_id, one url, one model) are not JSON Schema's to say.
# Exits non-zero when schemathesis reports a failure or an error; its report is printed.
# Usage: scripts/openapi-fuzz.sh [path/to/batch-openai] [--max-examples N] [--max-time S] [--seed N]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. scripts/lib/serve-sim.sh

binary=""
examples=20
max_time=120
seed=1
while [ $# -gt 0 ]; do
  case "$1" in
    --max-examples) examples=${2:?}; shift ;;
    --max-time) max_time=${2:?}; shift ;;
    --seed) seed=${2:?}; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) binary=$1 ;;
  esac
  shift
done
binary="$(realpath "${binary:-$(swift build --show-bin-path)/batch-openai}")"

venv="${XDG_CACHE_HOME:-$HOME/.cache}/batch-openai/schemathesis-venv"
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check schemathesis >/dev/null
fi

work="$(mktemp -d)"
mkdir -p "$work/inputs"
cp "$root/inputs/sample_input.jsonl" "$work/inputs/"
cat >"$work/schemathesis.toml" <<'TOML'
[checks]
ignored_auth.enabled = false
use_after_free.enabled = false
ensure_resource_availability.enabled = false
object_level_authorization.enabled = false
# 422: the lines of a request file break a rule that spans lines (distinct custom_id, one url that matches
# `endpoint`, one model), which JSON Schema cannot state; the schemas say so in their descriptions.
positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]

[[operations]]
include-operation-id = "runBatchFile"
checks.positive_data_acceptance.enabled = false
TOML
start_serve_sim openapi-fuzz "$binary" "$work" --sim-validation-delay 0 --sim-finalizing-delay 0 --log-level warning

status=0
(cd "$work" && timeout $((max_time + 120)) "$venv/bin/st" --config-file "$work/schemathesis.toml" run "$url/openapi.json" \
  --phases examples,coverage,fuzzing --max-examples "$examples" --max-time "$max_time" --seed "$seed" \
  --workers 1 --request-timeout 30 --no-color) || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "openapi-fuzz: the server stopped during the run; the end of its log:" >&2
  tail -n 30 "$work/stderr.log" >&2
  exit 1
fi
[ "$status" -eq 0 ] && echo "openapi-fuzz: no failures (max $examples examples per operation, seed $seed)"
exit "$status"

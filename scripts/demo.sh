#!/usr/bin/env bash
# The main job, offline: builds the binary, starts `batch-openai serve --sim` (the Batch API simulator
# in-process, no key, no network) on a free loopback port, runs the seed's flow on inputs/sample_input.jsonl
# (the multipart `run-file` curl, then `run` with a JSON body), shows where the documents landed, and stops
# the service with SIGTERM (a graceful stop, exit code 0).
#
# Results go to a fresh folder (printed at the end, kept); DEMO_OUTPUTS=path chooses another one.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --product batch-openai
binary="$(swift build --show-bin-path)/batch-openai"
command -v curl >/dev/null || { echo "demo: curl is needed" >&2; exit 1; }

outputs="${DEMO_OUTPUTS:-$(mktemp -d "${TMPDIR:-/tmp}/batch-openai-demo.XXXXXX")}"
mkdir -p "$outputs"
stdout_log="$(mktemp)"
stderr_log="$(mktemp)"
BATCH_OPENAI_OUTPUTS="$outputs" BATCH_OPENAI_INPUTS=inputs BATCH_OPENAI_TOKEN='' \
  "$binary" serve --sim --port 0 >"$stdout_log" 2>"$stderr_log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$stdout_log" "$stderr_log"' EXIT

url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://[^ ]*' "$stdout_log" | head -n 1 || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$stderr_log"; echo "demo: the server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$stderr_log"; echo "demo: the server did not report its address" >&2; exit 1; }
port="${url##*:}"
echo "== batch-openai is serving on $url (the simulator runs in-process; API docs at $url/docs)"

json_field() {  # json_field NAME: one top-level string or number member of the JSON on stdin
  python3 -c 'import json, sys; value = json.load(sys.stdin).get(sys.argv[1]); print("" if value is None else value)' "$1"
}

echo
echo "== 1. upload + whole flow (the seed's command, with curl instead of curl.exe):"
echo '   curl -X POST "http://localhost:'"$port"'/batches/run-file" -H "Accept: application/json" -F "file=@inputs/sample_input.jsonl" -F "job_name=demo" -F "completion_window=24h" -F "poll_interval=5" -F "do_parse=true"'
first="$(curl -sS --fail-with-body -X POST "http://localhost:$port/batches/run-file" -H "Accept: application/json" \
  -F "file=@inputs/sample_input.jsonl" -F "job_name=demo" -F "completion_window=24h" -F "poll_interval=5" -F "do_parse=true")"
echo "$first" | python3 -c 'import json, sys; r = json.load(sys.stdin); r.pop("batch", None); print(json.dumps(r, indent=2))'
batch_id="$(echo "$first" | json_field batch_id)"
[ "$(echo "$first" | json_field phase)" = "completed" ] || { echo "demo: the run-file flow did not complete" >&2; exit 1; }

echo
echo "== 2. the file already on disk, no upload (JSON body):"
echo '   curl -X POST "http://localhost:'"$port"'/batches/run" -H "Content-Type: application/json" -d '"'"'{"input_path":"inputs/sample_input.jsonl","job_name":"sada-docs","poll_interval":1}'"'"
second="$(curl -sS --fail-with-body -X POST "http://localhost:$port/batches/run" -H "Content-Type: application/json" \
  -d '{"input_path":"inputs/sample_input.jsonl","job_name":"sada-docs","poll_interval":1}')"
echo "$second" | python3 -c 'import json, sys; r = json.load(sys.stdin); print(json.dumps({k: r[k] for k in ("batch_id", "status", "phase", "processed", "docs_dir", "index_file")}, indent=2))'
[ "$(echo "$second" | json_field phase)" = "completed" ] || { echo "demo: the run flow did not complete" >&2; exit 1; }

docs="$outputs/$batch_id/docs"
echo
echo "== 3. where the documents landed: $docs"
(cd "$docs" && find . -type f | sort | sed 's|^\./|   |')
document="$(cd "$docs" && find . -type f -name '*.business.md' | sort | head -n 1)"
document="${document:-$(cd "$docs" && find . -type f | sort | head -n 1)}"
echo
echo "== one of them, $docs/${document#./}:"
cat "$docs/${document#./}"
echo
echo "== the same file over HTTP: curl $url/batches/$batch_id/files/docs/${document#./}"
echo "== index: $outputs/$batch_id/index.json"

echo
echo "== stopping with SIGTERM"
kill -TERM "$pid"
if wait "$pid"; then
  echo "== stopped cleanly (exit code 0); results kept in $outputs"
else
  status=$?
  cat "$stderr_log"
  echo "demo: the server exited with $status" >&2
  exit 1
fi
trap 'rm -f "$stdout_log" "$stderr_log"' EXIT

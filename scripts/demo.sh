#!/usr/bin/env bash
# The main job, offline: builds the binary, starts the service on a free loopback port, shows it answering,
# and stops it with SIGTERM (a graceful stop, exit code 0).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --product batch-openai
binary="$(swift build --show-bin-path)/batch-openai"

log="$(mktemp)"
"$binary" serve --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://[^ ]*' "$log" | head -n 1 || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "demo: the server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "demo: the server did not report its address" >&2; exit 1; }

echo "== the service is listening on $url"
echo "== GET /healthz"
curl -sS -i "$url/healthz"
echo
echo "== GET /nowhere (a problem+json 404)"
curl -sS -i "$url/nowhere"
echo
echo "== stopping with SIGTERM"
kill -TERM "$pid"
wait "$pid" && echo "== stopped cleanly (exit code 0)"
trap 'rm -f "$log"' EXIT
echo "== server log"
cat "$log"

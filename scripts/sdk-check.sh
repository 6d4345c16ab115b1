#!/usr/bin/env bash
# Interoperability: the official `openai` Python SDK (PyPI) against `batch-openai sim` — upload, create,
# retrieve, list with auto-paging, cancel, file content, delete, the error envelope.
# Usage: scripts/sdk-check.sh [path/to/batch-openai]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${1:-$(swift build --show-bin-path)/batch-openai}"
python3 -c "import openai" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check openai >/dev/null

log="$(mktemp)"
"$binary" sim --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://[^ ]*/v1' "$log" | head -n 1 || true)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "sdk-check: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "sdk-check: no address from the simulator" >&2; exit 1; }
timeout 120 python3 scripts/sim/openai_sdk_check.py "$url"
echo "sdk-check: the openai SDK works against the simulator"

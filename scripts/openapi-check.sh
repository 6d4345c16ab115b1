#!/usr/bin/env bash
# The served API description against the standard validator: starts `batch-openai serve --sim --port 0` in a
# temporary folder, fetches GET /openapi.json and checks it with openapi-spec-validator (PyPI, installed when
# missing), then checks that GET /docs is served and that the document lists what the server routes.
# Usage: scripts/openapi-check.sh [path/to/batch-openai]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/serve-sim.sh

binary="$(realpath "${1:-$(swift build --show-bin-path)/batch-openai}")"
python3 -c "import openapi_spec_validator" 2>/dev/null \
  || python3 -m pip install -q --disable-pip-version-check openapi-spec-validator >/dev/null

work="$(mktemp -d)"
start_serve_sim openapi-check "$binary" "$work"

curl -sS --fail "$url/openapi.json" -o "$work/openapi.json"
python3 -m openapi_spec_validator "$work/openapi.json"
curl -sS --fail "$url/docs" | grep -q 'fetch("openapi.json"' || { echo "openapi-check: /docs is not the docs page" >&2; exit 1; }

# Every documented operation answers with something other than 404/405 (an unknown id or a bad body is fine).
python3 - "$work/openapi.json" "$url" <<'PY'
import json, sys, urllib.request, urllib.error
document, base = json.load(open(sys.argv[1])), sys.argv[2]
bad = []
for path, item in document["paths"].items():
    for method in ("get", "post"):
        if method not in item:
            continue
        target = path.replace("{batch_id}", "batch_unknown").replace("{path}", "index.json")
        request = urllib.request.Request(base + target, method=method.upper(), data=b"{}" if method == "post" else None,
                                         headers={"Content-Type": "application/json"})
        try:
            status = urllib.request.urlopen(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        if status in (404, 405) and "{batch_id}" not in path:
            bad.append(f"{method.upper()} {path} -> {status}")
        if status == 405:
            bad.append(f"{method.upper()} {path} -> 405")
if bad:
    sys.exit("openapi-check: documented but not routed: " + ", ".join(bad))
PY
echo "openapi-check: /openapi.json is valid OpenAPI 3.1 and matches the routes; /docs is served"

#!/usr/bin/env bash
# Memory of `batch-openai serve --sim` (issue 11 §2), in release. Prints figures, asserts nothing:
#   1. run-file: a multipart upload to POST /batches/run-file of a ~200 MB input holding one 50 MB line,
#      driven to the end of its run (submit, wait, download, parse); the server's peak RSS (VmHWM);
#   2. input_path: the same file named by POST /batches/run; peak RSS;
#   3. idle after work: ROUNDS runs of 50,000 small requests one after another, then the server's RSS
#      (VmRSS) at the end of the last run and every 5 s for a minute.
# Each scenario starts a fresh server (so VmHWM is its own) on 127.0.0.1, on a port of 18600-18699 that is
# free; the simulator runs in the same process, with every delay at zero. Targets (issue 11): peak < 128 MB
# for any accepted input; RSS back under 48 MB within a minute after a run ends.
#
# Usage: scripts/bench/memory.sh [--no-build]
#   BIN=path/to/batch-openai   use this binary instead of building the release one
#   ROUNDS=N                   50,000-request runs before the idle measure (default 3)
#   KEEP=1                     keep the work directory
set -euo pipefail

build=1
case "${1:-}" in
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --no-build) build=0 ;;
    "") ;;
    *) echo "memory.sh: unknown argument '$1' (try --help)" >&2; exit 64 ;;
esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-memory.XXXXXX")"
pid=""
stop_server() {
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        pid=""
    fi
}
cleanup() {
    stop_server
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
    if [ "$build" = 1 ]; then
        echo "building release binary..." >&2
        (cd "$root" && swift build -c release --product batch-openai >&2)
    fi
    BIN="$root/.build/release/batch-openai"
fi
BIN="$(realpath "$BIN")"
mb() { echo "scale=1; $1 / 1024" | bc -l; }   # kB -> MB

# The inputs: a ~200 MB file with one 50 MB line among ordinary ones, and 50,000 small requests.
mkdir -p "$work/inputs"
python3 - "$work/inputs" <<'PY'
import json, sys
folder = sys.argv[1]
def line(cid, text):
    return json.dumps({"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
                       "body": {"model": "gpt-4o-mini", "max_tokens": 100,
                                "messages": [{"role": "user", "content": text}]}}, separators=(",", ":")) + "\n"
words = "Explain the module, its parameters, return values and failure modes. "
ordinary = (words * 60)[:3900]
with open(f"{folder}/big-line.jsonl", "w") as f:
    for i in range(38000):
        if i == 19000:
            f.write(line("big-line", (words * (50 * 1048576 // len(words) + 1))[: 50 * 1048576]))
        f.write(line(f"request-{i}", f"Request {i}. " + ordinary))
with open(f"{folder}/small.jsonl", "w") as f:
    for i in range(50000):
        f.write(line(f"request-{i}", f"Request {i}. Say hello."))
PY
big="$work/inputs/big-line.jsonl"
echo "inputs: big-line.jsonl $(echo "scale=1; $(stat -c %s "$big") / 1048576" | bc -l) MB (one line of 50 MB)," \
    "small.jsonl 50,000 requests, $(echo "scale=1; $(stat -c %s "$work/inputs/small.jsonl") / 1048576" | bc -l) MB"

# Starts `serve --sim` in $work/$1 on the first free port of 18600-18699; sets pid and url.
start_server() {
    local dir="$work/$1" port
    mkdir -p "$dir/outputs"
    ln -sfn "$work/inputs" "$dir/inputs"
    for port in $(seq 18600 18699); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
        (cd "$dir" && exec env -u BATCH_OPENAI_TOKEN -u BATCH_OPENAI_OUTPUTS -u BATCH_OPENAI_INPUTS \
            "$BIN" serve --sim --host 127.0.0.1 --port "$port" --sim-validation-delay 0 --sim-request-latency 0 \
            --sim-finalizing-delay 0 >"$dir/serve.out" 2>"$dir/serve.err") &
        pid=$!
        for _ in $(seq 1 100); do
            grep -q "http://" "$dir/serve.out" 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q "http://" "$dir/serve.out" 2>/dev/null; then
            url="http://127.0.0.1:$port"
            return 0
        fi
        wait "$pid" 2>/dev/null || true
        pid=""
    done
    echo "memory.sh: no port of 18600-18699 would do" >&2
    exit 1
}

status_kb() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$pid/status"; }

# Follows a run answered 202 (Prefer: respond-async) until its phase is final; prints the phase.
follow() {
    python3 - "$url" "$1" <<'PY'
import json, sys, time, urllib.request
url, answer = sys.argv[1], json.loads(sys.argv[2])
batch = answer["batch_id"]
deadline = time.monotonic() + 900
while time.monotonic() < deadline:
    status = json.load(urllib.request.urlopen(f"{url}/batches/{batch}/status"))
    phase = (status.get("run") or {}).get("phase")
    if phase in ("completed", "failed"):
        print(phase)
        sys.exit(0)
    time.sleep(0.2)
print("timeout")
PY
}

# 1 and 2: the big line through run-file and through input_path, each on a fresh server.
start_server run-file
idle_start=$(status_kb VmRSS)
answer=$(curl -sS --fail-with-body -X POST "$url/batches/run-file" -H "Prefer: respond-async" \
    -F "file=@$big" -F job_name=memory-run-file -F poll_interval=0.05)
phase=$(follow "$answer")
run_file_peak=$(status_kb VmHWM)
run_file_after=$(status_kb VmRSS)
stop_server

start_server input-path
answer=$(curl -sS --fail-with-body -X POST "$url/batches/run" -H "Prefer: respond-async" -H "Content-Type: application/json" \
    -d '{"input_path": "big-line.jsonl", "job_name": "memory-input-path", "poll_interval": 0.05}')
phase2=$(follow "$answer")
input_path_peak=$(status_kb VmHWM)
stop_server

# 3: repeated 50,000-request runs, then a minute of idling.
rounds="${ROUNDS:-3}"
start_server idle
idle_before=$(status_kb VmRSS)
for round in $(seq 1 "$rounds"); do
    answer=$(curl -sS --fail-with-body -X POST "$url/batches/run" -H "Prefer: respond-async" -H "Content-Type: application/json" \
        -d "{\"input_path\": \"small.jsonl\", \"job_name\": \"memory-idle-$round\", \"poll_interval\": 0.05}")
    phase3=$(follow "$answer")
    [ "$phase3" = completed ] || echo "round $round ended $phase3" >&2
done
idle_peak=$(status_kb VmHWM)
samples=("0s $(mb "$(status_kb VmRSS)")")
for seconds in 5 10 15 20 25 30 35 40 45 50 55 60; do
    sleep 5
    samples+=("${seconds}s $(mb "$(status_kb VmRSS)")")
done
stop_server

echo
printf "run-file, 200 MB with a 50 MB line:   peak %6.1f MB (VmHWM; %s; idle %.1f MB, after %.1f MB)  target < 128 MB\n" \
    "$(mb "$run_file_peak")" "$phase" "$(mb "$idle_start")" "$(mb "$run_file_after")"
printf "input_path, the same file:            peak %6.1f MB (VmHWM; %s)  target < 128 MB\n" "$(mb "$input_path_peak")" "$phase2"
printf "%d runs of 50,000 requests:            peak %6.1f MB (VmHWM; idle before %.1f MB)\n" "$rounds" "$(mb "$idle_peak")" "$(mb "$idle_before")"
echo   "RSS after the last run (VmRSS, MB), target < 48 MB within 60 s:"
echo   "  ${samples[*]}"

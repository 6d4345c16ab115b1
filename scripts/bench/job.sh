#!/usr/bin/env bash
# Benchmark of a whole job (issue 12 "Benchmarks"): `POST /batches/run` of an input of 500,000 requests
# (~1.9 GB, cut into 10 batches of 50,000) against `batch-openai serve --sim` as a user starts it (access
# log, middlewares), with every simulator delay at zero and no token budget. In the same run, for scale:
#   - the baseline: copying the input once (cp) and writing the same documents (paths and sizes) with plain
#     POSIX mkdir/open/write/close (scripts/bench/parse_baseline.c);
#   - one batch of 50,000 requests of the same shape through the same server, for its peak RSS.
# Prints the job's phases, its time, the ratio to the baseline and the server's peak RSS (VmHWM, simulator
# included). Targets: job <= 2.5x the baseline; peak RSS < 128 MB and within 20% of the 50,000-request run's.
# Asserts nothing.
#
# Usage: scripts/bench/job.sh [requests] [bytes-per-request]
#   BIN=path/to/batch-openai   use this binary instead of building the release one
#   KEEP=1                     keep the work directory
# Needs about 3x the input's size free on the work directory's file system (input, batch inputs, results).
set -euo pipefail

case "${1:-}" in
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
for n in "${1:-500000}" "${2:-3800}"; do
    case "$n" in ''|*[!0-9]*|0) echo "job.sh: '$n' is not a positive integer (try --help)" >&2; exit 64 ;; esac
done
requests="${1:-500000}"
line_bytes="${2:-3800}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-job.XXXXXX")"
pid=""
sim_data=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ -n "$sim_data" ]; then rm -rf "$sim_data"; fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

needed_kb=$(( requests * line_bytes * 3 / 1024 + 1024 * 1024 ))
available_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$available_kb" -lt "$needed_kb" ]; then
    echo "job.sh: $((available_kb / 1024)) MB free in $work, $((needed_kb / 1024)) MB needed" >&2
    exit 1
fi
if [ -z "${BIN:-}" ]; then
    echo "building release binary..." >&2
    (cd "$root" && swift build -c release --product batch-openai >&2)
    BIN="$root/.build/release/batch-openai"
fi
BIN="$(realpath "$BIN")"
cc -O2 -o "$work/parse_baseline" "$root/scripts/bench/parse_baseline.c"

# Inputs: chat requests whose custom_ids follow the three schemes of docs/ARCHITECTURE.md in turn.
mkdir -p "$work/inputs" "$work/outputs"
generate() {
    python3 - "$1" "$2" "$line_bytes" "$3" <<'PY'
import json, sys
path, count, size, prefix = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
words = "Explain the module, its parameters, return values, side effects and failure modes. "
with open(path, "w", buffering=1 << 22) as f:
    for i in range(count):
        if i % 3 == 0:
            cid = f"{prefix}com.acme.module{i % 50}.Service{i % 400}.method{i}.m3type_{'business' if (i // 3) % 2 else 'tech_resume'}"
        elif i % 3 == 1:
            j = i // 3
            cid = f"{prefix}process-{j % 500}/{'business' if (j // 500) % 2 else 'tech'}/seg-{j // 1000 + 1:03d}"
        else:
            cid = f"{prefix}request-{i}"
        head = {"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
                "body": {"model": "gpt-4o-mini", "max_tokens": 1000, "messages": [
                    {"role": "system", "content": "You are a senior engineer writing documentation."},
                    {"role": "user", "content": ""}]}}
        base = len(json.dumps(head, separators=(",", ":")))
        head["body"]["messages"][1]["content"] = (f"Request {i}. " + words * (size // len(words) + 1))[: max(0, size - base - 1)]
        f.write(json.dumps(head, separators=(",", ":")) + "\n")
PY
}
echo "generating $requests requests..." >&2
generate "$work/inputs/job.jsonl" "$requests" "j"
generate "$work/inputs/one.jsonl" 50000 "o"
input_bytes=$(stat -c %s "$work/inputs/job.jsonl")
mb() { echo "scale=1; $1 / 1048576" | bc -l; }
echo "input: $requests requests, $(mb "$input_bytes") MB"

# The service as a user starts it, the simulator in-process; its files in memory (it stands for a remote service).
sim_data="$work/sim"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then sim_data="$(mktemp -d /dev/shm/bench-job-sim.XXXXXX)"; fi
(cd "$work" && exec env -u BATCH_OPENAI_TOKEN -u BATCH_OPENAI_OUTPUTS -u BATCH_OPENAI_INPUTS -u BATCH_OPENAI_ENQUEUED_TOKENS \
    "$BIN" serve --sim --port 0 --sim-validation-delay 0 --sim-request-latency 0 --sim-finalizing-delay 0 --sim-data "$sim_data" \
    >"$work/serve.out" 2>"$work/serve.err") &
pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://[^ ]*' "$work/serve.out" | head -n 1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.err"; echo "job.sh: the server did not start" >&2; exit 1; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }

# One batch of 50,000 first: the memory a single run needs in this server.
curl -sS --fail-with-body -X POST "$url/batches/run" -H 'Content-Type: application/json' \
    -d '{"input_path":"one.jsonl","job_name":"bench-one","poll_interval":0.05}' > "$work/one.json"
rss_one=$(hwm)

# The job: Prefer: respond-async, then its state every 0.2 s until it ends.
sync
python3 - "$url" "$work/job-phases.txt" <<'PY'
import json, sys, time, urllib.request
url, out = sys.argv[1], sys.argv[2]
start = time.monotonic()
request = urllib.request.Request(url + "/batches/run", method="POST", headers={"Content-Type": "application/json", "Prefer": "respond-async"},
                                 data=json.dumps({"input_path": "job.jsonl", "job_name": "bench-job", "poll_interval": 0.05}).encode())
accepted = json.load(urllib.request.urlopen(request, timeout=3600))
marks = [(time.monotonic() - start, "planned and first batches submitted (202)")]
job_id = accepted["job_id"]
seen = set()
while True:
    job = json.load(urllib.request.urlopen(f"{url}/jobs/{job_id}"))
    now = time.monotonic() - start
    states = {}
    for batch in job["batches"]:
        states[batch["state"]] = states.get(batch["state"], 0) + 1
    for state, count in states.items():
        key = f"{count} batches {state}"
        if key not in seen:
            seen.add(key)
            marks.append((now, key))
    if job["phase"] in ("completed", "failed", "cancelled"):
        marks.append((now, "job " + job["phase"] + f" ({job['succeeded']} of {job['requests']} done, {job['failed']} failed, {job['missing']} missing)"))
        break
    time.sleep(0.2)
with open(out, "w") as f:
    f.write(job_id + "\n")
    for at, name in marks:
        f.write(f"{at:.3f} {name}\n")
PY
rss_job=$(hwm)
kill -TERM "$pid"; wait "$pid" || true; pid=""
job_id=$(head -1 "$work/job-phases.txt")
total=$(tail -1 "$work/job-phases.txt" | awk '{print $1}')
docs="$work/outputs/$job_id/docs"

# Baseline: copy the input once, then write the same files into a fresh folder beside the job's.
(cd "$docs" && find . -type f -printf '%s %P\n') > "$work/files.txt"
mkdir -p "$work/outputs/baseline"
sync
start=$(date +%s.%N)
cp "$work/inputs/job.jsonl" "$work/outputs/baseline/input.jsonl"
copy_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
write_out=$("$work/parse_baseline" write "$work/outputs/baseline/docs" "$work/files.txt")
write_seconds=$(echo "$write_out" | awk '{print $4}')
baseline=$(echo "$copy_seconds + $write_seconds" | bc -l)

echo
echo "phases of the job (seconds since the request was sent):"
tail -n +2 "$work/job-phases.txt" | awk '{ t = $1; $1 = ""; printf "  %8.3f %s\n", t, $0 }'
printf "whole job:        %.2f s  (%d documents)\n" "$total" "$(wc -l < "$work/files.txt")"
printf "baseline:         %.2f s  (cp %.2f s + %s)\n" "$baseline" "$copy_seconds" "$write_out"
printf "job / baseline:   %.2fx  (target <= 2.5x)\n" "$(echo "$total / $baseline" | bc -l)"
printf "server peak RSS:  %.1f MB after one batch of 50,000; %.1f MB after the job  (targets < 128 MB, within 20%%)\n" \
    "$(echo "$rss_one / 1024" | bc -l)" "$(echo "$rss_job / 1024" | bc -l)"

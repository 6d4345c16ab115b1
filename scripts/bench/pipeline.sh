#!/usr/bin/env bash
# Benchmark of the whole pipeline (issue 5 §7): `POST /batches/run-file` with 50,000 requests (~200 MB)
# against `batch-openai serve --sim` with zero latency, in release. Prints, and asserts nothing:
#   - the time of each phase, as the run records them in batch.json and run.json (upload + submit until the 202 of
#     Prefer: respond-async, then the batch's validating / in_progress / finalizing, then the run's
#     downloading / parsing), and the whole run;
#   - the server's peak RSS (VmHWM; the simulator runs in the same process);
#   - the baseline: copying the input (cp) and writing the same documents (paths and sizes) with plain
#     POSIX mkdir/open/write/close, no fsync (scripts/bench/parse_baseline.c);
#   - validation speed: `batch-openai validate` beside a Python orjson script checking the same rules.
# Targets (issue 5): whole run <= 3x the baseline, server RSS < 128 MB, validation >= orjson's MB/s
# (validate's RSS < 64 MB).
#
# Usage: scripts/bench/pipeline.sh [requests] [bytes-per-request]
#   BIN=path/to/batch-openai   use this binary instead of building the release one
#   KEEP=1                     keep the work directory
#   ROUNDS=N                   runs (each with its own batch) and baselines, interleaved (default 3)
# Mind the file system (see parse.sh): right after many files were deleted, creating files is slower for a
# few minutes, for the run and the baseline by different amounts; compare runs on a quiet file system.
set -euo pipefail

case "${1:-}" in
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
for n in "${1:-50000}" "${2:-3900}"; do
    case "$n" in ''|*[!0-9]*|0) echo "pipeline.sh: '$n' is not a positive integer (try --help)" >&2; exit 64 ;; esac
done
requests="${1:-50000}"
line_bytes="${2:-3900}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-pipeline.XXXXXX")"
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    if [ -n "${sim_data:-}" ]; then rm -rf "$sim_data"; fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BIN:-}" ]; then
    echo "building release binary..." >&2
    (cd "$root" && swift build -c release --product batch-openai >&2)
    BIN="$root/.build/release/batch-openai"
fi
BIN="$(realpath "$BIN")"
python3 -c "import orjson" 2>/dev/null || python3 -m pip install -q --disable-pip-version-check orjson >/dev/null
cc -O2 -o "$work/parse_baseline" "$root/scripts/bench/parse_baseline.c"

# The input: chat requests whose custom_ids follow the three schemes of docs/ARCHITECTURE.md ("custom_id and documents") in turn.
mkdir -p "$work/inputs" "$work/outputs"
input="$work/inputs/bench.jsonl"
python3 - "$input" "$requests" "$line_bytes" <<'PY'
import json, sys
path, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = "Explain the module, its parameters, return values, side effects and failure modes. "
with open(path, "w") as f:
    for i in range(count):
        if i % 3 == 0:
            cid = f"com.acme.module{i % 50}.Service{i % 400}.method{i}.m3type_{'business' if (i // 3) % 2 else 'tech_resume'}"
        elif i % 3 == 1:
            j = i // 3
            cid = f"process-{j % 500}/{'business' if (j // 500) % 2 else 'tech'}/seg-{j // 1000 + 1:03d}"
        else:
            cid = f"request-{i}"
        head = {"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
                "body": {"model": "gpt-4o-mini", "max_tokens": 1000, "messages": [
                    {"role": "system", "content": "You are a senior engineer writing documentation."},
                    {"role": "user", "content": ""}]}}
        base = len(json.dumps(head, separators=(",", ":")))
        text = (f"Request {i}. " + words * (size // len(words) + 1))[: max(0, size - base - 1)]
        head["body"]["messages"][1]["content"] = text
        f.write(json.dumps(head, separators=(",", ":")) + "\n")
PY
input_bytes=$(stat -c %s "$input")
mb() { echo "scale=1; $1 / 1048576" | bc -l; }
echo "input: $requests requests, $(mb "$input_bytes") MB"
sync

# Validation: ours and orjson's, best of three each, alternating.
ours=""; theirs=""; validate_rss=0
for _ in 1 2 3; do
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/validate.rss" "$BIN" validate "$input" >/dev/null
    seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
    rss=$(tail -1 "$work/validate.rss"); [ "$rss" -gt "$validate_rss" ] && validate_rss=$rss
    if [ -z "$ours" ] || [ "$(echo "$seconds < $ours" | bc -l)" = 1 ]; then ours=$seconds; fi
    seconds=$(python3 "$root/scripts/bench/validate_orjson.py" "$input" | awk '{print $(NF-1)}')
    if [ -z "$theirs" ] || [ "$(echo "$seconds < $theirs" | bc -l)" = 1 ]; then theirs=$seconds; fi
done

# The service, with the simulator in-process and every delay at zero. The simulator stands for a remote
# service: its files live in memory (/dev/shm when there is one), so that the parse's one syncfs flushes what
# the pipeline wrote here (input.jsonl, output.jsonl, the documents), not the simulator's copies.
sim_data="$work/sim"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then sim_data="$(mktemp -d /dev/shm/bench-pipeline-sim.XXXXXX)"; fi
(cd "$work" && exec env -u BATCH_OPENAI_TOKEN -u BATCH_OPENAI_OUTPUTS -u BATCH_OPENAI_INPUTS \
    "$BIN" serve --sim --port 0 --sim-validation-delay 0 --sim-request-latency 0 --sim-finalizing-delay 0 --sim-data "$sim_data" \
    >"$work/serve.out" 2>"$work/serve.err") &
pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://[^ ]*' "$work/serve.out" | head -n 1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.err"; echo "pipeline: the server did not start" >&2; exit 1; }
rss_before=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")

# run-file with Prefer: respond-async, then the run's own records every 20 ms: batch.json (the batch's status,
# rewritten at each of the run's polls) and run.json (its phase), read from the disk. Not GET /status: each
# call refreshes batch.json with an fsync, which would slow the parse it measures.
rounds="${ROUNDS:-3}"
best_total=""; best_baseline=""; best_round=1; ratios=()
for round in $(seq 1 "$rounds"); do
job="bench-$round"   # a new job name each round: the same input and job name would reuse the batch
python3 - "$url" "$input" "$work/outputs" "$job" > "$work/phases-$round.txt" <<'PY'
import json, subprocess, sys, time, urllib.request
url, path, outputs, job = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
start = time.monotonic()
out = subprocess.run(["curl", "-sS", "--fail-with-body", "-X", "POST", url + "/batches/run-file", "-H", "Prefer: respond-async",
                      "-F", "file=@" + path, "-F", "job_name=" + job, "-F", "poll_interval=0.05"],
                     capture_output=True, text=True, check=True).stdout
accepted = time.monotonic() - start
batch_id = json.loads(out)["batch_id"]
marks = [("upload + validate + copy + submit (until 202)", accepted)]
seen = set()
def read(name):
    try:
        with open(f"{outputs}/{batch_id}/{name}") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}
phase = None
while phase not in ("completed", "failed"):
    now = time.monotonic() - start
    status, phase = read("batch.json").get("status"), read("run.json").get("phase")
    for key in (status and f"batch {status}", phase and f"run {phase}"):
        if key and key not in seen:
            seen.add(key)
            marks.append((key, now))
    time.sleep(0.02)
final = json.load(urllib.request.urlopen(f"{url}/batches/{batch_id}/status"))
assert (final.get("run") or {}).get("phase") == phase, final
print(batch_id)
for name, at in marks:
    print(f"{at:.3f} {name}")
PY
batch_id=$(head -1 "$work/phases-$round.txt")
total=$(tail -1 "$work/phases-$round.txt" | awk '{print $1}')
docs="$work/outputs/$batch_id/docs"

# Baseline: copy the input, then write the same files (paths and sizes) into a fresh folder; its one syncfs
# at the end flushes the copy too, as the run's parse flushes the run's input.jsonl. The folder sits where the
# run's sits (outputs/<name>/docs): ext4 places a new directory's inodes by its parent, and a folder at the top
# of the work directory lands in other block groups, where creating 50,000 files was 2-5x cheaper here (perf:
# ext4's recently_deleted check in inode allocation) than inside outputs/, for the C loop and the parser alike.
# Nothing is deleted between rounds (a deletion slows the next round's file creation for minutes).
(cd "$docs" && find . -type f -printf '%s %P\n') > "$work/files.txt"
mkdir -p "$work/outputs/baseline-$round"
sync
start=$(date +%s.%N)
cp "$input" "$work/outputs/baseline-$round/input.jsonl"
copy_seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
write_out=$("$work/parse_baseline" write "$work/outputs/baseline-$round/docs" "$work/files.txt")
write_seconds=$(echo "$write_out" | awk '{print $4}')
baseline=$(echo "$copy_seconds + $write_seconds" | bc -l)
ratio=$(echo "$total / $baseline" | bc -l)
ratios+=("$ratio")
printf "round %d: run %.2f s, baseline %.2f s (cp %.2f s + %s): %.2fx\n" "$round" "$total" "$baseline" "$copy_seconds" "$write_out" "$ratio"
if [ -z "$best_total" ] || [ "$(echo "$total < $best_total" | bc -l)" = 1 ]; then best_total=$total; best_round=$round; fi
if [ -z "$best_baseline" ] || [ "$(echo "$baseline < $best_baseline" | bc -l)" = 1 ]; then best_baseline=$baseline; fi
done
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"; wait "$pid" || true; pid=""
batch_id=$(head -1 "$work/phases-$best_round.txt")
phase_line=$(grep -c "run completed" "$work/phases-$best_round.txt" || true)
docs="$work/outputs/$batch_id/docs"
documents=$(find "$docs" -type f | wc -l)
doc_bytes=$(du -sb "$docs" | cut -f1)
output_bytes=$(stat -c %s "$work/outputs/$batch_id/output.jsonl")
median_ratio=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

echo
echo "phases of the fastest run, round $best_round (seconds since the upload began, as batch.json and run.json recorded them; the run polls the backend every 0.05 s):"
tail -n +2 "$work/phases-$best_round.txt" | awk '{ t = $1; $1 = ""; printf "  %8.3f %s\n", t, $0 }'
[ "$phase_line" = 1 ] || echo "  (the run did not complete: see $work/serve.err)"
printf "whole run:           %.2f s, best of %d  (%d documents, %.1f MB of documents; output.jsonl %.1f MB)\n" "$best_total" "$rounds" "$documents" "$(mb "$doc_bytes")" "$(mb "$output_bytes")"
printf "baseline:            %.2f s, best of %d\n" "$best_baseline" "$rounds"
printf "run / baseline:      %.2fx best over best, %.2fx median of the rounds  (target <= 3x)\n" "$(echo "$best_total / $best_baseline" | bc -l)" "$median_ratio"
printf "server peak RSS:     %.1f MB (VmHWM, simulator included, its files in $sim_data; %.1f MB at start; target < 128 MB)\n" "$(echo "$rss_kb / 1024" | bc -l)" "$(echo "$rss_before / 1024" | bc -l)"
printf "validation:          %.0f MB/s batch-openai validate (%.2f s, RSS %.1f MB; target < 64 MB)\n" \
    "$(echo "$input_bytes / 1048576 / $ours" | bc -l)" "$ours" "$(echo "$validate_rss / 1024" | bc -l)"
printf "                     %.0f MB/s python + orjson, same rules (%.2f s)  (target: ours >= orjson's)\n" \
    "$(echo "$input_bytes / 1048576 / $theirs" | bc -l)" "$theirs"

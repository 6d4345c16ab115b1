#!/usr/bin/env bash
# Benchmark of a job's plan pass (issue 12 "Benchmarks"): `batch-openai run FILE --dry-run` over a generated
# input of 500,000 requests (~1.9 GB, two models) — one streaming pass that validates every line, checks the
# custom_ids across the whole input, counts tokens, hashes the input and each part, and cuts the parts —
# against copying the same bytes with `cp`, in the same run.
# Prints seconds, MB/s, the ratio and the plan's peak RSS. Targets: plan >= 0.5x cp's speed, RSS < 64 MB.
#
# The input is read from the page cache by both (it is read once before the rounds); cp's copy is removed
# after each round. Needs about 2x the input's size free on the work directory's file system.
#
# Usage: scripts/bench/split.sh [requests] [content-bytes]
#   BIN=path/to/batch-openai   use this binary instead of building the release one
#   ROUNDS=N                   rounds (default 3; the best of each side is reported)
#   KEEP=1                     keep the work directory
set -euo pipefail

requests="${1:-500000}"
content="${2:-3600}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-split.XXXXXX")"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

# Room for the input and cp's copy, with a margin.
needed_kb=$(( (requests * (content + 300) * 2) / 1024 + 1024 * 1024 ))
available_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$available_kb" -lt "$needed_kb" ]; then
    echo "not enough space on $(df -P "$work" | awk 'NR == 2 { print $6 }'): $((available_kb / 1024)) MB free, $((needed_kb / 1024)) MB needed" >&2
    exit 1
fi

if [ -z "${BIN:-}" ]; then
    echo "building release binary..." >&2
    (cd "$root" && swift build -c release --product batch-openai >&2)
    BIN="$root/.build/release/batch-openai"
fi

input="$work/big.jsonl"
echo "generating $requests requests..." >&2
python3 - "$input" "$requests" "$content" <<'EOF'
import sys
path, count, content = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
words = ("the batch api takes a file of requests and answers within a day at half the price of "
         "synchronous calls so large jobs are cut into batches by model lines bytes and tokens ").split()
text = " ".join(words[i % len(words)] for i in range(content // 5))[:content]
with open(path, "w", buffering=1 << 22) as out:
    for index in range(count):
        model = "gpt-4o" if index % 10 == 0 else "gpt-4o-mini"
        out.write('{"custom_id":"request-%d","method":"POST","url":"/v1/chat/completions","body":{"model":"%s",'
                  '"max_tokens":500,"messages":[{"role":"system","content":"You are brief."},'
                  '{"role":"user","content":"%d %s"}]}}\n' % (index, model, index, text))
EOF
bytes=$(stat -c %s "$input")
mb=$(echo "$bytes / 1000000" | bc -l)
cat "$input" > /dev/null

rounds="${ROUNDS:-3}"
plan_best=""; copy_best=""; rss_kb=0; plan_cpu=""
for round in $(seq "$rounds"); do
    sync
    start=$(date +%s.%N)
    cp "$input" "$work/copy.jsonl"
    end=$(date +%s.%N)
    copy_seconds=$(echo "$end - $start" | bc -l)
    if [ -z "$copy_best" ] || [ "$(echo "$copy_seconds < $copy_best" | bc -l)" = 1 ]; then copy_best=$copy_seconds; fi
    rm -f "$work/copy.jsonl"
    sync

    start=$(date +%s.%N)
    /usr/bin/time -v -o "$work/time.txt" "$BIN" run "$input" --dry-run --json --outputs "$work/outputs" > "$work/plan.json"
    end=$(date +%s.%N)
    seconds=$(echo "$end - $start" | bc -l)
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    cpu=$(awk -F': ' '/User time/ { user = $2 } /System time/ { sys = $2 } END { print user + sys }' "$work/time.txt")
    [ "$rss" -gt "$rss_kb" ] && rss_kb=$rss
    if [ -z "$plan_best" ] || [ "$(echo "$seconds < $plan_best" | bc -l)" = 1 ]; then plan_best=$seconds; plan_cpu=$cpu; fi
    printf 'round %d: cp %.2f s, plan %.2f s (cpu %.2f s, rss %d KB)\n' "$round" "$copy_seconds" "$seconds" "$cpu" "$rss" >&2
done

parts=$(python3 -c 'import json, sys; plan = json.load(open(sys.argv[1])); print(len(plan["batches"]), plan["request_count"])' "$work/plan.json")
printf 'input: %d requests, %.0f MB; plan: %s batches of %s requests\n' "$requests" "$mb" ${parts}
printf 'cp (best of %d):            %6.2f s  %7.0f MB/s\n' "$rounds" "$copy_best" "$(echo "$mb / $copy_best" | bc -l)"
printf 'run --dry-run (best of %d): %6.2f s  %7.0f MB/s  (cpu %.2f s)\n' "$rounds" "$plan_best" "$(echo "$mb / $plan_best" | bc -l)" "$plan_cpu"
printf 'plan speed / cp speed: %.2f   target >= 0.5\n' "$(echo "$copy_best / $plan_best" | bc -l)"
printf 'plan peak RSS: %.1f MB   target < 64 MB\n' "$(echo "$rss_kb / 1024" | bc -l)"

#!/usr/bin/env bash
# Benchmark of the usage tally (issue 12, "After the run"): `UsageTally` over a 50,000-line, ~200 MB
# output.jsonl (the generator of parse.sh: chat results with usage), beside a plain line-by-line read of the
# same file (SystemIO's LineReader, no JSON) in the same process. Prints MB/s of both, their ratio and the
# peak RSS: the tally keeps one entry per model, so memory must not grow with the file.
#
# Usage: scripts/bench/usage.sh [lines] [content-bytes]
#   BIN=path/to/batch-openai   use this binary instead of building the release one
set -euo pipefail

lines="${1:-50000}"
content="${2:-3600}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-usage.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ -z "${BIN:-}" ]; then
    echo "building release binary..." >&2
    (cd "$root" && swift build -c release --product batch-openai >&2)
    BIN="$root/.build/release/batch-openai"
fi

cc -O2 -o "$work/gen" "$root/scripts/bench/parse_baseline.c"
"$work/gen" gen "$work/output.jsonl" "$lines" "$content"
bytes=$(stat -c %s "$work/output.jsonl")
cat "$work/output.jsonl" > /dev/null   # in the page cache for both passes

best_read="" best_tally="" rss=0
for _ in 1 2 3; do
    out="$("$BIN" bench-usage "$work/output.jsonl")"
    read_s=$(sed -n 's/^read_seconds=//p' <<<"$out")
    tally_s=$(sed -n 's/^tally_seconds=//p' <<<"$out")
    kb=$(sed -n 's/^vmhwm_kb=//p' <<<"$out")
    requests=$(sed -n 's/^requests=//p' <<<"$out")
    [ "$requests" = "$lines" ] || { echo "usage bench: tallied $requests requests of $lines" >&2; exit 1; }
    if [ -z "$best_read" ] || awk "BEGIN{exit !($read_s < $best_read)}"; then best_read=$read_s; fi
    if [ -z "$best_tally" ] || awk "BEGIN{exit !($tally_s < $best_tally)}"; then best_tally=$tally_s; fi
    [ "$kb" -gt "$rss" ] && rss=$kb
done

awk -v b="$bytes" -v r="$best_read" -v t="$best_tally" -v rss="$rss" -v n="$lines" 'BEGIN {
    printf "usage tally: %d lines, %.1f MB\n", n, b / 1e6
    printf "  plain line read: %.3f s  %7.1f MB/s\n", r, b / 1e6 / r
    printf "  usage tally:     %.3f s  %7.1f MB/s  (%.2fx the plain read)\n", t, b / 1e6 / t, r / t
    printf "  peak RSS: %.1f MB\n", rss / 1024
}'

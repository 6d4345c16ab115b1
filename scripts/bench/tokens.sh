#!/usr/bin/env bash
# Benchmark of exact token counting (issue 12): BatchCore's BPE counter against bpe-openai (Rust, through its
# Python binding) on the same generated corpus (English, Portuguese, code, CJK, emoji; scripts/tokens/oracle.py),
# in one run, the counts checked equal; plus the estimate's throughput and whole request lines through
# RequestTokenCounter. Prints figures; asserts only that the counts agree.
#
# What is measured: the shipped sources of BatchCore and JSON compiled -O (whole module) with a small driver
# (scripts/bench/tokens_driver.swift), each text counted by one call, the best of 3 rounds; bpe-openai's
# `count` over the same texts, one call each, the best of 3. Target: Swift exact >= 0.5x bpe-openai's MB/s.
#
# Usage: scripts/bench/tokens.sh [scale]   (corpus size: scale x ~0.5 MB; default 20)
#   KEEP=1  keep the work directory
set -euo pipefail
case "${1:-}" in
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
scale="${1:-20}"
case "$scale" in ''|*[!0-9]*|0) echo "tokens.sh: '$scale' is not a positive integer (try --help)" >&2; exit 64 ;; esac
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-tokens.XXXXXX")"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT
cd "$root"
scripts/setup.sh >/dev/null

echo "corpus: scale $scale" >&2
python3 scripts/tokens/oracle.py corpus "$work/corpus.jsonl" --scale "$scale"
python3 scripts/tokens/oracle.py sample-requests "$work/sample.jsonl"
vocabularies="$(python3 scripts/tokens/oracle.py tokenizer-dir)"
for name in o200k_base cl100k_base; do gunzip -c "$vocabularies/$name.tiktoken.gz" > "$work/$name.tiktoken"; done

echo "building the driver (swiftc -O)" >&2
swiftc -O -wmo -parse-as-library -module-name JSON -emit-module -emit-module-path "$work/JSON.swiftmodule" \
    -emit-library -static -o "$work/libJSON.a" Sources/JSON/*.swift
swiftc -O -wmo -parse-as-library -module-name BatchCore -I "$work" -emit-module -emit-module-path "$work/BatchCore.swiftmodule" \
    -emit-library -static -o "$work/libBatchCore.a" $(find Sources/BatchCore -name '*.swift')
swiftc -O -I "$work" -L "$work" -lBatchCore -lJSON -o "$work/tokens-driver" scripts/bench/tokens_driver.swift

"$work/tokens-driver" "$work" "$work/corpus.jsonl" "$work/sample.jsonl" > "$work/swift.txt"
python3 - "$work/corpus.jsonl" "$work/swift.txt" <<'PY'
import json, sys, time
from bpe_openai import _bindings
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
texts = [row["text"] for row in rows]
size = sum(len(text.encode()) for text in texts)
swift = {}
for line in open(sys.argv[2]):
    name, count, nbytes, tokens, seconds = line.split()
    swift[name] = (int(count), int(nbytes), int(tokens), float(seconds))
print(f"corpus: {len(texts)} texts, {size / 1e6:.1f} MB")
print(f"{'measure':34} {'MB/s':>8} {'tokens':>10}  vs bpe-openai")
ok = True
for name in ("o200k_base", "cl100k_base"):
    tokenizer = _bindings.tokenizer_for_encoding(name)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = sum(tokenizer.count(text) for text in texts)
        best = min(best, time.perf_counter() - start)
    expected = sum(row[name] for row in rows)
    _, nbytes, tokens, seconds = swift[f"exact-{name}"]
    same = tokens == total == expected
    ok &= same
    print(f"{'bpe-openai ' + name:34} {size / best / 1e6:8.2f} {total:10d}")
    print(f"{'swift exact ' + name:34} {nbytes / seconds / 1e6:8.2f} {tokens:10d}  {best / seconds:5.2f}x  counts {'equal' if same else 'DIFFER'}")
for name in ("estimate-o200k_base", "request-lines-exact", "request-lines-estimate"):
    count, nbytes, tokens, seconds = swift[name]
    print(f"{'swift ' + name:34} {nbytes / seconds / 1e6:8.2f} {tokens:10d}  ({count} {'lines' if 'lines' in name else 'texts'})")
for name in ("load-o200k_base", "load-cl100k_base"):
    _, nbytes, tokens, seconds = swift[name]
    print(f"{'swift ' + name:34} {seconds * 1000:8.0f} ms, {tokens} tokens")
sys.exit(0 if ok else 1)
PY

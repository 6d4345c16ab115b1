#!/usr/bin/env python3
"""The Batch API's input rules, checked with orjson: the yardstick for `batch-openai validate` (pipeline.sh).

One JSON object per line; a unique, non-empty string custom_id; method POST; one url for the whole file and a
supported endpoint; a body object with a model (one model per file) and no "stream": true; at most 50,000 lines
and 200 MB. Prints "<issues> issues, <lines> lines, <bytes> bytes in <seconds> s".
"""
import sys
import time

import orjson

ENDPOINTS = {"/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations",
             "/v1/images/generations", "/v1/images/edits", "/v1/videos"}
MAX_LINES, MAX_BYTES = 50_000, 200 * 1024 * 1024


def validate(path):
    issues = []
    seen = set()
    url = model = None
    lines = total = 0
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            total += len(raw)
            if not raw.strip():
                continue
            lines += 1
            try:
                line = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                issues.append((number, "invalid_json_line", str(error)))
                continue
            if not isinstance(line, dict):
                issues.append((number, "invalid_json_line", "not an object"))
                continue
            custom_id = line.get("custom_id")
            if not isinstance(custom_id, str) or not custom_id:
                issues.append((number, "missing_custom_id", "custom_id"))
            elif custom_id in seen:
                issues.append((number, "duplicate_custom_id", custom_id))
            else:
                seen.add(custom_id)
            if line.get("method") != "POST":
                issues.append((number, "invalid_method", "method"))
            line_url = line.get("url")
            if url is None and isinstance(line_url, str):
                url = line_url
                if url not in ENDPOINTS:
                    issues.append((number, "invalid_url", url))
            elif line_url != url:
                issues.append((number, "mismatched_url", "url"))
            body = line.get("body")
            if not isinstance(body, dict):
                issues.append((number, "missing_body", "body"))
                continue
            line_model = body.get("model")
            if not isinstance(line_model, str) or not line_model:
                issues.append((number, "missing_model", "body.model"))
            elif model is None:
                model = line_model
            elif line_model != model:
                issues.append((number, "mismatched_model", "body.model"))
            if body.get("stream") is True:
                issues.append((number, "unsupported_stream", "body.stream"))
    if lines > MAX_LINES:
        issues.append((None, "too_many_tasks", str(lines)))
    if total > MAX_BYTES:
        issues.append((None, "file_too_large", str(total)))
    return issues, lines, total


if __name__ == "__main__":
    start = time.perf_counter()
    found, count, size = validate(sys.argv[1])
    seconds = time.perf_counter() - start
    print(f"{len(found)} issues, {count} lines, {size} bytes in {seconds:.3f} s")
    sys.exit(1 if found else 0)

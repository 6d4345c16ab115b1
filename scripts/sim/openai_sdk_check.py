"""Drives `batch-openai sim` with the official openai SDK: upload, create, retrieve, list (auto-paging),
cancel, content, delete, and the error envelope. Usage: python3 openai_sdk_check.py BASE_URL"""
import json, sys, time
import openai

base = sys.argv[1]
client = openai.OpenAI(base_url=base, api_key="sk-sim", max_retries=0)

lines = [json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions",
                     "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"Explain item {i}"}]}})
         for i in range(5)]
f = client.files.create(file=("in.jsonl", ("\n".join(lines) + "\n").encode()), purpose="batch")
assert f.purpose == "batch" and f.status == "processed", f
assert client.files.retrieve(f.id).id == f.id

b = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h",
                          metadata={"k": "v"})
assert b.status == "validating", b
while b.status not in ("completed", "failed", "expired", "cancelled"):
    time.sleep(0.05)
    b = client.batches.retrieve(b.id)
assert b.status == "completed" and b.request_counts.completed == 5, b
out = client.files.content(b.output_file_id).text
assert len(out.strip().split("\n")) == 5 and out.endswith("\n")

ids = [client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h").id
       for _ in range(4)]
seen = [x.id for x in client.batches.list(limit=2)]  # auto-paging across pages of 2
assert len(seen) == 5 and set(ids) <= set(seen), seen

slow = client.batches.create(input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h")
try:
    c = client.batches.cancel(slow.id)
    assert c.status in ("cancelling", "cancelled"), c
except openai.ConflictError:
    pass  # it finished first: cancel of a finished batch is a 409

try:
    client.batches.retrieve("batch_nope")
    raise SystemExit("expected 404")
except openai.NotFoundError as e:
    assert e.status_code == 404 and e.body["type"] == "invalid_request_error", e.body

files = [x.id for x in client.files.list(purpose="batch")]
assert f.id in files
assert client.files.delete(f.id).deleted
print("openai SDK", openai.__version__, "against the simulator: ok")

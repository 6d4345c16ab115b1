extension OpenAPIDocument {
    /// The document from `components` to its end: the schemas and shared responses the routes refer to.
    static let components = #"""
  "components": {
    "securitySchemes": {
      "bearerAuth": {"type": "http", "scheme": "bearer", "description": "BATCH_OPENAI_TOKEN, when the server has one."}
    },
    "parameters": {
      "BatchIDPath": {"name": "batch_id", "in": "path", "required": true, "description": "A batch id (letters, digits, '_' and '-').", "schema": {"$ref": "#/components/schemas/BatchID"}},
      "Prefer": {"name": "Prefer", "in": "header", "required": false, "description": "respond-async: answer 202 once the batch exists; the run goes on in the server.", "schema": {"type": "string", "examples": ["respond-async"]}}
    },
    "headers": {
      "BatchLocation": {"description": "/batches/{batch_id}", "schema": {"type": "string"}},
      "StatusLocation": {"description": "/batches/{batch_id}/status, where to follow the run.", "schema": {"type": "string"}},
      "PreferenceApplied": {"description": "respond-async", "schema": {"type": "string"}}
    },
    "responses": {
      "RunAccepted": {
        "description": "Prefer: respond-async: the batch exists and the run goes on in the server.",
        "headers": {"Location": {"$ref": "#/components/headers/StatusLocation"}, "Preference-Applied": {"$ref": "#/components/headers/PreferenceApplied"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitResponse"}}}
      },
      "BadRequest": {"description": "Bad input: a malformed body or field, a path outside inputs/, a bad batch id, a wrong file type.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Unauthorized": {"description": "A bearer token is required (BATCH_OPENAI_TOKEN is set).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Forbidden": {"description": "Not a regular file.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "NotFound": {"description": "Unknown batch, file or artifact.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Conflict": {"description": "The batch is not in a state that allows this (download before results exist).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "TooLarge": {"description": "The body or the upload is over its limit, or a .jsonl.gz inflates past the Batch API's 200 MB.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "InvalidInput": {"description": "The JSONL is invalid: errors lists every bad line (capped) with its number.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "BackendFailed": {"description": "The Batch API answered with an error or could not be reached.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "TimedOut": {"description": "The Batch API, or a wait, timed out.", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Internal": {"description": "An internal error (details are in the server log only).", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    },
    "schemas": {
      "BatchID": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$", "examples": ["batch_abc123"]},
      "BatchStatus": {"type": "string", "description": "validating, failed, in_progress, finalizing, completed, expired, cancelling or cancelled.", "examples": ["completed"]},
      "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status"],
        "properties": {
          "type": {"type": "string", "description": "A URI naming the problem type, e.g. urn:batch-openai:problem:invalid-jsonl."},
          "title": {"type": "string"},
          "status": {"type": "integer"},
          "detail": {"type": "string", "description": "What went wrong and what was expected."},
          "param": {"type": "string", "description": "The field at fault (400)."},
          "errors": {"type": "array", "description": "422: the bad lines, in file order (capped).", "items": {"$ref": "#/components/schemas/LineError"}},
          "error_count": {"type": "integer", "description": "422: how many issues there were in all."},
          "backend_status": {"type": "integer", "description": "502/504: the status the Batch API answered with."},
          "backend_request_id": {"type": "string", "description": "502/504: the Batch API's x-request-id."}
        }
      },
      "LineError": {
        "type": "object",
        "required": ["line", "code", "message", "param"],
        "properties": {
          "line": {"type": ["integer", "null"], "description": "The 1-based line, null for a problem of the whole file."},
          "code": {"type": "string", "examples": ["invalid_json_line", "duplicate_custom_id"]},
          "message": {"type": "string"},
          "param": {"type": ["string", "null"]}
        }
      },
      "RequestCounts": {
        "type": "object",
        "required": ["total", "completed", "failed"],
        "properties": {"total": {"type": "integer"}, "completed": {"type": "integer"}, "failed": {"type": "integer"}}
      },
      "RequestLine": {
        "type": "object",
        "description": "One line of a Batch API input file.",
        "required": ["custom_id", "method", "url", "body"],
        "properties": {
          "custom_id": {"type": "string"},
          "method": {"type": "string", "const": "POST"},
          "url": {"type": "string", "examples": ["/v1/chat/completions"]},
          "body": {"type": "object"}
        }
      },
      "Batch": {
        "type": "object",
        "description": "The Batch object of the OpenAI API.",
        "required": ["id", "object", "endpoint", "input_file_id", "completion_window", "status", "created_at"],
        "properties": {
          "id": {"$ref": "#/components/schemas/BatchID"},
          "object": {"type": "string", "const": "batch"},
          "endpoint": {"type": "string"},
          "model": {"type": ["string", "null"]},
          "errors": {"type": ["object", "null"], "properties": {"object": {"type": "string"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/LineError"}}}},
          "input_file_id": {"type": "string"},
          "completion_window": {"type": "string"},
          "status": {"$ref": "#/components/schemas/BatchStatus"},
          "output_file_id": {"type": ["string", "null"]},
          "error_file_id": {"type": ["string", "null"]},
          "created_at": {"type": "integer"},
          "in_progress_at": {"type": ["integer", "null"]},
          "expires_at": {"type": ["integer", "null"]},
          "finalizing_at": {"type": ["integer", "null"]},
          "completed_at": {"type": ["integer", "null"]},
          "failed_at": {"type": ["integer", "null"]},
          "expired_at": {"type": ["integer", "null"]},
          "cancelling_at": {"type": ["integer", "null"]},
          "cancelled_at": {"type": ["integer", "null"]},
          "request_counts": {"oneOf": [{"$ref": "#/components/schemas/RequestCounts"}, {"type": "null"}]},
          "usage": {"type": ["object", "null"]},
          "metadata": {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
        }
      },
      "SubmitRequest": {
        "type": "object",
        "description": "Exactly one of input_path, requests, or spec (with model).",
        "properties": {
          "input_path": {"type": "string", "description": "A .jsonl or .jsonl.gz file under inputs/, e.g. inputs/sample_input.jsonl. A .jsonl.gz is inflated into outputs/<batch_id>/input.jsonl (at most 200 MB inflated); the file itself is left in place.", "examples": ["inputs/sample_input.jsonl"]},
          "requests": {"type": "array", "description": "The request lines themselves.", "items": {"$ref": "#/components/schemas/RequestLine"}},
          "spec": {"type": "string", "description": "The inline spec: requests separated by ///, messages by ||, each role: content.", "examples": ["system: You are helpful. || user: Hello /// user: How are you?"]},
          "model": {"type": "string", "description": "The model of every request of spec."},
          "job_name": {"type": "string", "description": "Kept in the batch's metadata; the same input and job name reuse a batch."},
          "completion_window": {"type": "string", "enum": ["24h"], "default": "24h"},
          "endpoint": {"type": "string", "description": "The endpoint; by default the url of the lines.", "examples": ["/v1/chat/completions"]},
          "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 14},
          "force": {"type": "boolean", "default": false, "description": "Submit again even when the same input and job name made a batch."}
        }
      },
      "SubmitResponse": {
        "type": "object",
        "required": ["batch_id", "output_dir", "status", "request_count", "reused", "batch"],
        "properties": {
          "batch_id": {"$ref": "#/components/schemas/BatchID"},
          "output_dir": {"type": "string", "description": "outputs/<batch_id>, absolute."},
          "status": {"$ref": "#/components/schemas/BatchStatus"},
          "request_count": {"type": "integer"},
          "reused": {"type": "boolean"},
          "status_url": {"type": "string", "description": "With Prefer: respond-async: where to follow the run."},
          "batch": {"$ref": "#/components/schemas/Batch"}
        }
      },
      "LocalArtifacts": {
        "type": "object",
        "required": ["output_dir", "files", "has_docs"],
        "properties": {
          "output_dir": {"type": "string"},
          "files": {"type": "array", "items": {"type": "string"}},
          "has_docs": {"type": "boolean"}
        }
      },
      "ListedBatch": {
        "allOf": [
          {"$ref": "#/components/schemas/Batch"},
          {"type": "object", "required": ["local"], "properties": {"local": {"oneOf": [{"$ref": "#/components/schemas/LocalArtifacts"}, {"type": "null"}]}}}
        ]
      },
      "BatchList": {
        "type": "object",
        "required": ["object", "data", "has_more", "first_id", "last_id"],
        "properties": {
          "object": {"type": "string", "const": "list"},
          "data": {"type": "array", "items": {"$ref": "#/components/schemas/ListedBatch"}},
          "has_more": {"type": "boolean"},
          "first_id": {"type": ["string", "null"]},
          "last_id": {"type": ["string", "null"]}
        }
      },
      "RunState": {
        "type": "object",
        "required": ["phase", "do_parse", "poll_interval", "job_name", "failure"],
        "properties": {
          "phase": {"type": "string", "enum": ["waiting", "downloading", "parsing", "completed", "failed"]},
          "do_parse": {"type": "boolean"},
          "poll_interval": {"type": "number"},
          "job_name": {"type": ["string", "null"]},
          "failure": {"type": ["string", "null"]}
        }
      },
      "StatusResponse": {
        "type": "object",
        "required": ["batch_id", "status", "terminal", "request_counts", "created_at", "run"],
        "properties": {
          "batch_id": {"$ref": "#/components/schemas/BatchID"},
          "status": {"$ref": "#/components/schemas/BatchStatus"},
          "terminal": {"type": "boolean", "description": "Whether the status can no longer change."},
          "request_counts": {"$ref": "#/components/schemas/RequestCounts"},
          "output_file_id": {"type": ["string", "null"]},
          "error_file_id": {"type": ["string", "null"]},
          "errors": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/LineError"}},
          "created_at": {"type": "integer"},
          "in_progress_at": {"type": ["integer", "null"]},
          "expires_at": {"type": ["integer", "null"]},
          "finalizing_at": {"type": ["integer", "null"]},
          "completed_at": {"type": ["integer", "null"]},
          "failed_at": {"type": ["integer", "null"]},
          "expired_at": {"type": ["integer", "null"]},
          "cancelling_at": {"type": ["integer", "null"]},
          "cancelled_at": {"type": ["integer", "null"]},
          "run": {"description": "The run this service drives for the batch, if any.", "oneOf": [{"$ref": "#/components/schemas/RunState"}, {"type": "null"}]}
        }
      },
      "Seconds": {
        "description": "Seconds, as a number or a numeric string.",
        "oneOf": [{"type": "number"}, {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*$"}]
      },
      "Flag": {
        "description": "true or false, also as a string.",
        "oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"]}]
      },
      "WaitRequest": {
        "type": "object",
        "properties": {
          "poll_interval": {"$ref": "#/components/schemas/Seconds", "description": "Seconds between polls (0.01-3600, default 5)."},
          "timeout": {"$ref": "#/components/schemas/Seconds", "description": "Give up after this many seconds (504)."}
        }
      },
      "DownloadResponse": {
        "type": "object",
        "required": ["batch_id", "status", "request_counts", "output_file", "errors_file", "missing_custom_ids"],
        "properties": {
          "batch_id": {"$ref": "#/components/schemas/BatchID"},
          "status": {"$ref": "#/components/schemas/BatchStatus"},
          "request_counts": {"$ref": "#/components/schemas/RequestCounts"},
          "output_file": {"type": ["string", "null"]},
          "errors_file": {"type": ["string", "null"]},
          "missing_custom_ids": {"type": "array", "items": {"type": "string"}, "description": "Input custom_id in neither file (never ran)."}
        }
      },
      "ParseRequest": {
        "type": "object",
        "properties": {
          "force": {"$ref": "#/components/schemas/Flag", "description": "Rewrite documents that exist (default false)."},
          "only": {"type": "array", "items": {"type": "string"}, "description": "Only these custom_id."}
        }
      },
      "ParseResponse": {
        "type": "object",
        "required": ["batch_id", "docs_dir", "processed", "skipped", "failed", "finals", "index_file"],
        "properties": {
          "batch_id": {"$ref": "#/components/schemas/BatchID"},
          "docs_dir": {"type": "string"},
          "processed": {"type": "integer"},
          "skipped": {"type": "integer"},
          "failed": {"type": "integer"},
          "finals": {"type": "array", "items": {"type": "string"}},
          "index_file": {"type": "string"}
        }
      },
      "RunRequest": {
        "type": "object",
        "description": "input_path, or (as for POST /batches) requests, or spec with model.",
        "properties": {
          "input_path": {"type": "string", "description": "A .jsonl or .jsonl.gz file under inputs/ (a .jsonl.gz is inflated, at most 200 MB; the file itself is left in place).", "examples": ["inputs/sample_input.jsonl"]},
          "requests": {"type": "array", "description": "The request lines themselves, instead of input_path.", "items": {"$ref": "#/components/schemas/RequestLine"}},
          "spec": {"type": "string", "description": "The inline spec, instead of input_path (with model)."},
          "model": {"type": "string", "description": "The model of every request of spec."},
          "job_name": {"type": "string"},
          "completion_window": {"type": "string", "enum": ["24h"], "default": "24h"},
          "poll_interval": {"$ref": "#/components/schemas/Seconds", "description": "Seconds between polls (default 5)."},
          "timeout": {"$ref": "#/components/schemas/Seconds", "description": "Give up waiting after this many seconds."},
          "do_parse": {"$ref": "#/components/schemas/Flag", "description": "Parse into documents (default true)."},
          "force": {"$ref": "#/components/schemas/Flag", "description": "Submit again even when the same input and job name made a batch."},
          "endpoint": {"type": "string"},
          "metadata": {"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 14}
        }
      },
      "RunFileForm": {
        "type": "object",
        "required": ["file"],
        "properties": {
          "file": {"type": "string", "contentMediaType": "application/octet-stream", "description": "The request file, .jsonl or .jsonl.gz."},
          "job_name": {"type": "string"},
          "completion_window": {"type": "string", "enum": ["24h"], "default": "24h"},
          "poll_interval": {"type": "string", "description": "Seconds between polls (default 5)."},
          "timeout": {"type": "string", "description": "Give up waiting after this many seconds."},
          "do_parse": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"], "default": "true"},
          "force": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"], "default": "false"}
        }
      },
      "RunResponse": {
        "type": "object",
        "required": ["batch_id", "output_dir", "status", "phase", "failure", "reused", "request_counts", "output_file", "errors_file", "missing_custom_ids", "docs_dir", "processed", "skipped", "failed", "index_file", "batch"],
        "properties": {
          "batch_id": {"$ref": "#/components/schemas/BatchID"},
          "output_dir": {"type": "string"},
          "status": {"$ref": "#/components/schemas/BatchStatus"},
          "phase": {"type": "string", "enum": ["waiting", "downloading", "parsing", "completed", "failed"]},
          "failure": {"type": ["string", "null"]},
          "reused": {"type": "boolean"},
          "request_counts": {"$ref": "#/components/schemas/RequestCounts"},
          "output_file": {"type": ["string", "null"]},
          "errors_file": {"type": ["string", "null"]},
          "missing_custom_ids": {"type": "array", "items": {"type": "string"}},
          "docs_dir": {"type": ["string", "null"]},
          "processed": {"type": ["integer", "null"]},
          "skipped": {"type": ["integer", "null"]},
          "failed": {"type": ["integer", "null"]},
          "index_file": {"type": ["string", "null"]},
          "batch": {"$ref": "#/components/schemas/Batch"}
        }
      },
      "FolderListing": {
        "type": "object",
        "required": ["path", "entries"],
        "properties": {
          "path": {"type": "string"},
          "entries": {"type": "array", "items": {"type": "object", "required": ["name", "type"], "properties": {"name": {"type": "string"}, "type": {"type": "string", "enum": ["file", "directory"]}, "size": {"type": ["integer", "null"]}}}}
        }
      }
    }
  }
}
"""#
}

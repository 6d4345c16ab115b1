/// The OpenAPI 3.1 description of the REST API, written by hand and served as it is on `GET /openapi.json`.
///
/// It lists exactly the routes of `Endpoint` (a test checks both ways) with schemas for every body, response
/// and problem document; `scripts/openapi-check.sh` validates it with `openapi-spec-validator`.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static let bytes: [UInt8] = Array(text.utf8)

    /// The document.
    public static let text = paths + "\n" + components

    /// The document up to the end of `paths`: its head and every route.
    static let paths = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "batch-openai",
    "version": "1.0.0",
    "summary": "Turns JSONL files of OpenAI requests into documents through the OpenAI Batch API.",
    "description": "Submit a request file (or an upload), follow the batch to a terminal state, download its results and parse them into one document per request under outputs/<batch_id>/. Errors are application/problem+json (RFC 9457). With BATCH_OPENAI_TOKEN set, every route but /healthz needs Authorization: Bearer <token>."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearerAuth": []}, {}],
  "tags": [
    {"name": "pipeline", "description": "The whole flow in one call."},
    {"name": "batches", "description": "The flow step by step."},
    {"name": "service", "description": "Description, liveness and metrics."}
  ],
  "paths": {
    "/batches": {
      "post": {
        "tags": ["batches"],
        "operationId": "submitBatch",
        "summary": "Submit a batch",
        "description": "Validates the requests (every bad line is reported with its number), copies them to outputs/<batch_id>/input.jsonl, uploads them and creates the batch. Give exactly one of input_path, requests, or spec with model. An input_path ending in .jsonl.gz is inflated first (the file under inputs/ stays): 413 when it inflates past the Batch API's 200 MB, 400 when it is not a complete gzip file. The same input and job_name again returns the earlier batch (200, reused) unless force.",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitRequest"}}}},
        "responses": {
          "201": {"description": "The batch was created.", "headers": {"Location": {"$ref": "#/components/headers/BatchLocation"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitResponse"}}}},
          "200": {"description": "An earlier batch of the same input and job name (reused).", "headers": {"Location": {"$ref": "#/components/headers/BatchLocation"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubmitResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "422": {"$ref": "#/components/responses/InvalidInput"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      },
      "get": {
        "tags": ["batches"],
        "operationId": "listBatches",
        "summary": "List batches",
        "description": "A page of batches from the API, newest first, each with what exists for it locally under outputs/.",
        "parameters": [
          {"name": "limit", "in": "query", "required": false, "description": "Batches per page (1-100, default 20).", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
          {"name": "after", "in": "query", "required": false, "description": "A batch id: the page starts after it (the last_id of the previous page).", "schema": {"$ref": "#/components/schemas/BatchID"}}
        ],
        "responses": {
          "200": {"description": "A page of batches.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchList"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/run": {
      "post": {
        "tags": ["pipeline"],
        "operationId": "runBatch",
        "summary": "Run the whole pipeline from a file under inputs/",
        "description": "Submit, wait, download and parse; input_path may name a .jsonl or a .jsonl.gz (inflated first, as for POST /batches). Blocks until the run ends (the default); with Prefer: respond-async it answers 202 once the batch exists and the run goes on in the server (follow Location).",
        "parameters": [{"$ref": "#/components/parameters/Prefer"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunRequest"}}}},
        "responses": {
          "200": {"description": "The run ended (see phase: completed or failed).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunResponse"}}}},
          "202": {"$ref": "#/components/responses/RunAccepted"},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "422": {"$ref": "#/components/responses/InvalidInput"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/run-file": {
      "post": {
        "tags": ["pipeline"],
        "operationId": "runBatchFile",
        "summary": "Run the whole pipeline from an uploaded file",
        "description": "The same as /batches/run from a multipart upload: file (.jsonl or .jsonl.gz, at most BATCH_OPENAI_MAX_UPLOAD_BYTES as sent; a .jsonl.gz that inflates past the Batch API's 200 MB is refused with 413), job_name, completion_window, poll_interval, do_parse. Another extension is refused with 400 \"Invalid file format for Batch API. Must be .jsonl\".",
        "parameters": [{"$ref": "#/components/parameters/Prefer"}],
        "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/RunFileForm"}}}},
        "responses": {
          "200": {"description": "The run ended (see phase: completed or failed).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunResponse"}}}},
          "202": {"$ref": "#/components/responses/RunAccepted"},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "422": {"$ref": "#/components/responses/InvalidInput"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "get": {
        "tags": ["batches"],
        "operationId": "getBatch",
        "summary": "The batch",
        "description": "The Batch object as the API returns it; refreshes outputs/<batch_id>/batch.json when the folder exists.",
        "responses": {
          "200": {"description": "The batch.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/status": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "get": {
        "tags": ["batches"],
        "operationId": "getBatchStatus",
        "summary": "A compact status",
        "description": "status, request_counts, timestamps, and the phase of the run when this service runs the batch.",
        "responses": {
          "200": {"description": "The status.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/wait": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "post": {
        "tags": ["batches"],
        "operationId": "waitBatch",
        "summary": "Wait for a terminal state",
        "description": "Polls every poll_interval seconds until the batch is completed, failed, expired or cancelled, persisting outputs/<batch_id>/batch.json; 504 after timeout seconds.",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WaitRequest"}}}},
        "responses": {
          "200": {"description": "The batch reached a terminal state.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/cancel": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "post": {
        "tags": ["batches"],
        "operationId": "cancelBatch",
        "summary": "Cancel the batch",
        "description": "Asks the API to cancel; the batch goes through cancelling to cancelled, and results of requests that ran stay downloadable.",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {
          "200": {"description": "The cancel was accepted.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StatusResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/download": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "post": {
        "tags": ["batches"],
        "operationId": "downloadBatch",
        "summary": "Download the results",
        "description": "Writes outputs/<batch_id>/output.jsonl and errors.jsonl (when there are errors); 409 unless the batch has result files (completed, or expired/cancelled with partial results). Every custom_id of the input is accounted for.",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {
          "200": {"description": "The files written.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DownloadResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {"$ref": "#/components/responses/Conflict"},
          "502": {"$ref": "#/components/responses/BackendFailed"},
          "504": {"$ref": "#/components/responses/TimedOut"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/parse": {
      "parameters": [{"$ref": "#/components/parameters/BatchIDPath"}],
      "post": {
        "tags": ["batches"],
        "operationId": "parseBatch",
        "summary": "Write the documents",
        "description": "Parses the downloaded results into outputs/<batch_id>/docs/ and index.json; force rewrites existing documents, only limits the run to some custom_id. 404 when nothing was downloaded.",
        "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ParseRequest"}}}},
        "responses": {
          "200": {"description": "The documents written.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ParseResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "413": {"$ref": "#/components/responses/TooLarge"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/batches/{batch_id}/files/{path}": {
      "parameters": [
        {"$ref": "#/components/parameters/BatchIDPath"},
        {"name": "path", "in": "path", "required": true, "description": "A path inside outputs/<batch_id>/ (output.jsonl, index.json, docs/...); it may contain slashes. No '..', hidden or absolute segments.", "schema": {"type": "string"}}
      ],
      "get": {
        "tags": ["batches"],
        "operationId": "getBatchFile",
        "summary": "Read an artifact",
        "description": "A file of the batch's folder (gzip-encoded when the client accepts it), or the listing of a folder in it.",
        "responses": {
          "200": {
            "description": "The file, or a folder's listing.",
            "content": {
              "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
              "application/x-ndjson": {"schema": {"type": "string"}},
              "text/markdown": {"schema": {"type": "string"}},
              "application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/FolderListing"}, {"type": "object", "description": "A JSON artifact (index.json, batch.json)."}]}}
            }
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "500": {"$ref": "#/components/responses/Internal"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": ["service"],
        "operationId": "getOpenAPI",
        "summary": "This document",
        "responses": {
          "200": {"description": "The OpenAPI 3.1 description of the API.", "content": {"application/json": {"schema": {"type": "object"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/docs": {
      "get": {
        "tags": ["service"],
        "operationId": "getDocs",
        "summary": "A page that renders this document",
        "responses": {
          "200": {"description": "A self-contained HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/redoc": {
      "get": {
        "tags": ["service"],
        "operationId": "getRedoc",
        "summary": "The same page, under the name the seed's service used for ReDoc",
        "responses": {
          "200": {"description": "A self-contained HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": ["service"],
        "operationId": "getHealth",
        "summary": "Liveness",
        "security": [],
        "responses": {
          "200": {"description": "The service is up.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "const": "ok"}}}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["service"],
        "operationId": "getMetrics",
        "summary": "Prometheus metrics",
        "description": "Requests by route and status, a latency histogram, batches by status, bytes up and down (text exposition format 0.0.4).",
        "responses": {
          "200": {"description": "The metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    }
  },
"""#
}

import Foundation
import JSON
import Testing

@testable import OpenAIClient

/// The models read the reference's example payloads and the variations of compatible servers.
@Suite struct ModelDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    private func object(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func batchFromTheSpecExample() throws {
        let batch = try decode(Batch.self, """
            {
              "id": "batch_abc123", "object": "batch", "endpoint": "/v1/completions",
              "model": "gpt-5-2025-08-07", "errors": null, "input_file_id": "file-abc123",
              "completion_window": "24h", "status": "completed", "output_file_id": "file-cvaTdG",
              "error_file_id": "file-HOWS94", "created_at": 1711471533, "in_progress_at": 1711471538,
              "expires_at": 1711557933, "finalizing_at": 1711493133, "completed_at": 1711493163,
              "failed_at": null, "expired_at": null, "cancelling_at": null, "cancelled_at": null,
              "request_counts": {"total": 100, "completed": 95, "failed": 5},
              "usage": {"input_tokens": 1500, "input_tokens_details": {"cached_tokens": 1024},
                        "output_tokens": 500, "output_tokens_details": {"reasoning_tokens": 300},
                        "total_tokens": 2000},
              "metadata": {"customer_id": "user_123456789", "batch_description": "Nightly eval job"}
            }
            """)
        #expect(batch.id == "batch_abc123")
        #expect(batch.status == .completed)
        #expect(batch.status.isTerminal)
        #expect(batch.outputFileID == "file-cvaTdG")
        #expect(batch.errorFileID == "file-HOWS94")
        #expect(batch.expiresAt == 1711557933)
        #expect(batch.requestCounts == BatchRequestCounts(total: 100, completed: 95, failed: 5))
        #expect(batch.usage?.inputTokensDetails.cachedTokens == 1024)
        #expect(batch.usage?.outputTokensDetails.reasoningTokens == 300)
        #expect(batch.usage?.totalTokens == 2000)
        #expect(batch.metadata?["customer_id"] == "user_123456789")
        #expect(batch.failedAt == nil)
    }

    @Test func batchEncodesEveryKeyWithNulls() throws {
        let batch = Batch(id: "batch_1", endpoint: "/v1/chat/completions", inputFileID: "file-1",
                          status: .validating, createdAt: 10, expiresAt: 86410,
                          requestCounts: BatchRequestCounts())
        let json = try object(batch)
        let keys = [
            "id", "object", "endpoint", "model", "errors", "input_file_id", "completion_window", "status",
            "output_file_id", "error_file_id", "created_at", "in_progress_at", "expires_at", "finalizing_at",
            "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts",
            "usage", "metadata",
        ]
        #expect(Set(json.keys) == Set(keys))
        #expect(json["failed_at"] is NSNull)
        #expect(json["status"] as? String == "validating")
    }

    @Test func failedBatchWithLineErrors() throws {
        let batch = try decode(Batch.self, """
            {"id": "batch_x", "object": "batch", "endpoint": "/v1/chat/completions",
             "errors": {"object": "list", "data": [
               {"code": "invalid_json_line", "message": "This line is not parseable as valid JSON.", "param": null, "line": 1},
               {"code": "token_limit_exceeded", "message": "Enqueued token limit reached", "param": null, "line": null}]},
             "input_file_id": "file-1", "completion_window": "24h", "status": "failed",
             "created_at": 1, "failed_at": 2}
            """)
        #expect(batch.status == .failed)
        #expect(batch.errors?.data.count == 2)
        #expect(batch.errors?.data[0] == BatchError(code: "invalid_json_line",
                                                     message: "This line is not parseable as valid JSON.", line: 1))
        #expect(batch.errors?.data[1].line == nil)
        #expect(batch.model == nil)
        #expect(batch.usage == nil)
    }

    @Test func tolerantBatch() throws {
        // Unknown fields, a new status, timestamps as strings or floats, a numeric metadata value,
        // a malformed usage object and absent optional keys.
        let batch = try decode(Batch.self, """
            {"id": "batch_t", "status": "queued_somewhere", "endpoint": "/v1/chat/completions",
             "input_file_id": "file-1", "completion_window": "24h",
             "created_at": "1711471533", "in_progress_at": 1711471538.0, "brand_new_field": {"x": [1, 2]},
             "request_counts": {"total": "3", "completed": 1},
             "usage": "not an object", "metadata": {"n": 5, "ok": "yes"}}
            """)
        #expect(batch.status == .unknown("queued_somewhere"))
        #expect(!batch.status.isTerminal)
        #expect(batch.createdAt == 1711471533)
        #expect(batch.inProgressAt == 1711471538)
        #expect(batch.requestCounts == BatchRequestCounts(total: 3, completed: 1, failed: 0))
        #expect(batch.usage == nil)
        #expect(batch.metadata == ["n": "5", "ok": "yes"])
        #expect(batch.object == "batch")
    }

    @Test(arguments: BatchStatus.known)
    func statusRoundTrips(_ status: BatchStatus) throws {
        let data = try JSONEncoder().encode([status])
        #expect(try JSONDecoder().decode([BatchStatus].self, from: data) == [status])
    }

    @Test func fileObjectAndList() throws {
        let page = try decode(ListPage<FileObject>.self, """
            {"object": "list", "data": [
               {"id": "file-abc123", "object": "file", "bytes": 120000, "created_at": 1677610602,
                "expires_at": 1680202602, "filename": "salesOverview.pdf", "purpose": "assistants",
                "status": "processed", "status_details": null},
               {"id": "file-abc456", "object": "file", "bytes": "140000", "created_at": 1677610602,
                "filename": "puppy.jsonl", "purpose": "fine-tune"}],
             "first_id": "file-abc123", "last_id": "file-abc456", "has_more": false}
            """)
        #expect(page.data.map(\.id) == ["file-abc123", "file-abc456"])
        #expect(page.data[1].bytes == 140000)
        #expect(page.data[1].status == nil)
        #expect(page.lastID == "file-abc456")
        #expect(!page.hasMore)

        let encoded = try object(FileObject(id: "file-1", bytes: 3, createdAt: 1, filename: "a.jsonl", purpose: "batch"))
        #expect(encoded["status"] as? String == "processed")
        #expect(encoded["expires_at"] is NSNull)
        #expect(encoded["status_details"] is NSNull)
    }

    @Test func listWithoutOptionalCursors() throws {
        let page = try decode(ListPage<Batch>.self, #"{"object": "list", "data": []}"#)
        #expect(page.data.isEmpty)
        #expect(page.firstID == nil)
        #expect(!page.hasMore)
    }

    @Test func fileDeleted() throws {
        let deleted = try decode(FileDeleted.self, #"{"id": "file-abc123", "object": "file", "deleted": true}"#)
        #expect(deleted == FileDeleted(id: "file-abc123"))
    }

    @Test func errorEnvelope() throws {
        let envelope = try decode(ErrorEnvelope.self, """
            {"error": {"message": "No such File object: file-abc123", "type": "invalid_request_error",
                       "param": "id", "code": null}}
            """)
        #expect(envelope.error.type == "invalid_request_error")
        #expect(envelope.error.param == "id")
        #expect(envelope.error.code == nil)
        let numeric = try decode(ErrorEnvelope.self, #"{"error": {"message": "m", "type": "t", "code": 429}}"#)
        #expect(numeric.error.code == "429")
        let plain = try decode(ErrorEnvelope.self, #"{"error": "model not loaded"}"#)
        #expect(plain.error.message == "model not loaded")

        let json = try object(ErrorEnvelope(message: "m", type: "invalid_request_error"))
        let inner = try #require(json["error"] as? [String: Any])
        #expect(Set(inner.keys) == ["message", "type", "param", "code"])
    }

    @Test func createBatchRequest() throws {
        let request = try decode(CreateBatchRequest.self, """
            {"input_file_id": "file-abc123", "endpoint": "/v1/chat/completions", "completion_window": "24h",
             "metadata": {"k": "v"}, "output_expires_after": {"anchor": "created_at", "seconds": 3600}}
            """)
        #expect(request.outputExpiresAfter == ExpiresAfter(seconds: 3600))
        #expect(request.metadata == ["k": "v"])
        let minimal = try object(CreateBatchRequest(inputFileID: "f", endpoint: "/v1/embeddings"))
        #expect(Set(minimal.keys) == ["input_file_id", "endpoint", "completion_window"])
        #expect(throws: (any Error).self) {
            try decode(CreateBatchRequest.self, #"{"endpoint": "/v1/embeddings", "completion_window": "24h"}"#)
        }
    }

    @Test func requestLine() throws {
        let line = try decode(BatchRequestLine.self, """
            {"custom_id": "request-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}], "max_tokens": 1000}}
            """)
        #expect(line.customID == "request-1")
        #expect(line.body["model"]?.stringValue == "gpt-4o-mini")
        #expect(line.body["max_tokens"]?.intValue == 1000)
        let reencoded = String(decoding: try JSONEncoder().encode(line.body["max_tokens"]), as: UTF8.self)
        #expect(reencoded == "1000")
    }

    @Test func resultLines() throws {
        let ok = try decode(BatchResultLine.self, """
            {"id": "batch_req_123", "custom_id": "request-2", "response": {"status_code": 200, "request_id": "req_123", "body": {"id": "chatcmpl-123", "object": "chat.completion", "choices": [{"message": {"content": "Hi"}}]}}, "error": null}
            """)
        #expect(ok.isSuccess)
        #expect(ok.response?.body["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == "Hi")

        let expired = try decode(BatchResultLine.self, """
            {"id": "batch_req_456", "custom_id": "request-3", "response": null, "error": {"code": "batch_expired", "message": "This request could not be executed before the completion window expired."}}
            """)
        #expect(!expired.isSuccess)
        #expect(expired.error?.code == "batch_expired")

        let http400 = try decode(BatchResultLine.self, """
            {"id": "batch_req_789", "custom_id": "r4", "response": {"status_code": 400, "request_id": "req_9", "body": {"error": {"message": "missing messages", "type": "invalid_request_error", "param": "messages", "code": null}}}, "error": null}
            """)
        #expect(!http400.isSuccess)
        #expect(http400.response?.statusCode == 400)

        let json = try object(BatchResultLine(id: "batch_req_1", customID: "c", error: .init(code: "x", message: "y")))
        #expect(Set(json.keys) == ["id", "custom_id", "response", "error"])
        #expect(json["response"] is NSNull)
    }

    @Test func jsonValueRoundTrip() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true, nil], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

import Foundation
import JSON
import OpenAIClient
import TestSupport
import Testing

@testable import OpenAISimulator

/// The API's surface over real HTTP: lists, 404s, 400s, the key, faults, synchronous endpoints.
@Suite struct SimulatorAPITests {
    private func envelope(_ response: RawResponse) throws -> APIErrorBody {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let inner = try #require(json["error"] as? [String: Any])
        #expect(Set(inner.keys) == ["message", "type", "param", "code"])
        return try JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)).error
    }

    @Test func listPagination() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        var created: [String] = []
        for _ in 0..<5 { created.append(try await harness.createBatch(fileID: file.id).id) }
        let newestFirst = Array(created.reversed())

        let first = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches?limit=2")
        #expect(first.data.map(\.id) == Array(newestFirst[0..<2]))
        #expect(first.hasMore)
        #expect(first.firstID == newestFirst[0] && first.lastID == newestFirst[1])
        let second = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches?limit=2&after=\(first.lastID!)")
        #expect(second.data.map(\.id) == Array(newestFirst[2..<4]))
        let third = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches?limit=2&after=\(second.lastID!)")
        #expect(third.data.map(\.id) == [newestFirst[4]])
        #expect(!third.hasMore)
        let all = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches")
        #expect(all.data.count == 5)
        #expect(!all.hasMore)

        for bad in ["0", "101", "abc"] {
            let response = try await harness.request("GET", "/v1/batches?limit=\(bad)")
            #expect(response.status == 400)
            #expect(try envelope(response).param == "limit")
        }

        _ = try await harness.upload("{}", filename: "notes.txt", purpose: "user_data")
        let batchFiles = try await harness.json(ListPage<FileObject>.self, "GET", "/v1/files?purpose=batch")
        #expect(batchFiles.data.map(\.id) == [file.id])
        let allFiles = try await harness.json(ListPage<FileObject>.self, "GET", "/v1/files?order=asc&limit=1")
        #expect(allFiles.data.map(\.id) == [file.id])
        #expect(allFiles.hasMore)
    }

    @Test func notFoundAndDelete() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        for (method, path) in [
            ("GET", "/v1/files/file-nope"), ("GET", "/v1/files/file-nope/content"), ("DELETE", "/v1/files/file-nope"),
            ("GET", "/v1/batches/batch_nope"), ("POST", "/v1/batches/batch_nope/cancel"), ("GET", "/v1/nowhere"),
        ] {
            let response = try await harness.request(method, path)
            #expect(response.status == 404, "\(method) \(path)")
            #expect(try envelope(response).type == "invalid_request_error")
            #expect(response.header("x-request-id") != nil)
        }
        let content = "{\"a\": 1}\n{\"b\": 2}"
        let file = try await harness.uploadFile(content)
        let download = try await harness.request("GET", "/v1/files/\(file.id)/content")
        #expect(download.text == content)
        #expect(file.bytes == content.utf8.count)
        let deleted = try await harness.json(FileDeleted.self, "DELETE", "/v1/files/\(file.id)")
        #expect(deleted == FileDeleted(id: file.id))
        #expect(try await harness.request("GET", "/v1/files/\(file.id)").status == 404)
    }

    @Test func createTimeValidation() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        let cases: [(String, String?)] = [
            (#"{"input_file_id": "\#(file.id)", "endpoint": "/v1/nope", "completion_window": "24h"}"#, "endpoint"),
            (#"{"input_file_id": "\#(file.id)", "endpoint": "/v1/chat/completions", "completion_window": "48h"}"#, "completion_window"),
            (#"{"endpoint": "/v1/chat/completions", "completion_window": "24h"}"#, "input_file_id"),
            (#"{"input_file_id": "\#(file.id)", "endpoint": "/v1/chat/completions", "completion_window": "24h", "output_expires_after": {"anchor": "created_at", "seconds": 10}}"#, "output_expires_after"),
            ("not json", nil),
        ]
        for (body, param) in cases {
            let response = try await harness.request("POST", "/v1/batches", body: Array(body.utf8))
            #expect(response.status == 400, "\(body)")
            #expect(try envelope(response).param == param)
        }
        let metadata = (0..<17).map { "\"k\($0)\": \"v\"" }.joined(separator: ",")
        let tooMany = #"{"input_file_id": "\#(file.id)", "endpoint": "/v1/chat/completions", "completion_window": "24h", "metadata": {\#(metadata)}}"#
        #expect(try await harness.request("POST", "/v1/batches", body: Array(tooMany.utf8)).status == 400)
        let unknown = #"{"input_file_id": "file-nope", "endpoint": "/v1/chat/completions", "completion_window": "24h"}"#
        #expect(try await harness.request("POST", "/v1/batches", body: Array(unknown.utf8)).status == 404)
        let badPurpose = try await harness.upload("x", purpose: "homework")
        #expect(badPurpose.status == 400)
        #expect(try await harness.upload("x", filename: "input.csv").status == 400)
    }

    @Test func apiKeyIsRequired() async throws {
        let open = try SimulatorHarness.start { $0.apiKey = "sk-test" }
        defer { Task { try await open.stop() } }
        var harness = open
        harness.apiKey = nil
        let missing = try await harness.request("GET", "/v1/batches")
        #expect(missing.status == 401)
        #expect(try envelope(missing).type == "invalid_request_error")
        let wrong = try await harness.request("GET", "/v1/batches", headers: ["Authorization: Bearer sk-wrong"])
        #expect(wrong.status == 401)
        #expect(try envelope(wrong).code == "invalid_api_key")
        #expect(try envelope(wrong).message.hasPrefix("Incorrect API key provided"))
        #expect(!wrong.text.contains("sk-wrong"))
        #expect(try await open.request("GET", "/v1/batches").status == 200)
    }

    /// As at OpenAI, a request without a bearer token is a 401 with OpenAI's wording even when no key
    /// is configured; then any token is accepted.
    @Test func bearerIsRequiredByDefault() async throws {
        let started = try SimulatorHarness.start()
        defer { Task { try await started.stop() } }
        var harness = started
        harness.apiKey = nil
        for headers in [[], ["Authorization: Bearer "], ["Authorization: Basic dXNlcjpwYXNz"]] {
            let missing = try await harness.request("GET", "/v1/batches", headers: headers)
            #expect(missing.status == 401, "\(headers)")
            #expect(missing.header("WWW-Authenticate") == "Bearer")
            let body = try envelope(missing)
            #expect(body.type == "invalid_request_error")
            #expect(body.code == nil)
            #expect(body.param == nil)
            #expect(body.message.hasPrefix("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)"))
        }
        #expect(try await harness.request("GET", "/v1/batches", headers: ["Authorization: Bearer sk-anything"]).status == 200)
        #expect(try await harness.request("POST", "/v1/chat/completions", body: Array(#"{"model":"m","messages":[]}"#.utf8)).status == 401)
    }

    @Test func scheduledFaults() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        harness.simulator.faults.schedule([ScheduledFault(.status(503), count: 2), ScheduledFault(.rateLimited(retryAfter: 3))])
        #expect(try await harness.request("GET", "/v1/batches").status == 503)
        #expect(try await harness.request("GET", "/v1/batches").status == 503)
        let limited = try await harness.request("GET", "/v1/batches")
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "3")
        #expect(try envelope(limited).type == "rate_limit_error")
        #expect(try await harness.request("GET", "/v1/batches").status == 200)
        #expect(harness.simulator.faults.injectedCount == 3)
        #expect(harness.simulator.faults.injectedByKind == ["status 503": 2, "status 429": 1])

        // Only POST /v1/batches is hit; the batch is created even though the answer is cut off.
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(1))
        harness.simulator.faults.schedule([ScheduledFault(parsing: "drop@POST /v1/batches")!])
        let body = try JSONEncoder().encode(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        await #expect(throws: (any Error).self) { try await harness.request("POST", "/v1/batches", body: Array(body)) }
        let list = try await harness.json(ListPage<Batch>.self, "GET", "/v1/batches")
        #expect(list.data.count == 1)
        #expect(harness.simulator.faults.injectedCount == 4)
    }

    @Test func probabilisticFaultsAreSeeded() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            let harness = try SimulatorHarness.start {
                $0.seed = seed
                $0.faults.serverErrorRate = 0.5
            }
            defer { Task { try await harness.stop() } }
            var result: [Int] = []
            for _ in 0..<12 { result.append(try await harness.request("GET", "/v1/batches").status) }
            return result
        }
        let first = try await statuses(seed: 7)
        #expect(try await statuses(seed: 7) == first)
        #expect(first.contains(500) && first.contains(200))
    }

    @Test func faultSpecsParse() {
        #expect(ScheduledFault(parsing: "503x3") == ScheduledFault(.status(503), count: 3))
        #expect(ScheduledFault(parsing: "429:2") == ScheduledFault(.status(429, retryAfter: 2)))
        #expect(ScheduledFault(parsing: "drop@POST /v1/batches") == ScheduledFault(.dropConnection, method: "POST", pathPrefix: "/v1/batches"))
        #expect(ScheduledFault(parsing: "slow:0.5x2@/v1/files") == ScheduledFault(.slow(.milliseconds(500)), count: 2, pathPrefix: "/v1/files"))
        #expect(ScheduledFault(parsing: "teapot") == nil)
    }

    @Test func synchronousEndpoints() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let chat = #"{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Draw a PlantUML sequence diagram of Checkout and Payment"}]}"#
        let response = try await harness.request("POST", "/v1/chat/completions", body: Array(chat.utf8))
        #expect(response.status == 200)
        let body = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
        let content = body["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
        #expect(content.hasPrefix("@startuml"))
        #expect(content.contains("@enduml"))
        #expect(content.contains("Checkout"))
        #expect((body["usage"]?["total_tokens"]?.intValue ?? 0) > 0)

        let embed = #"{"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 4}"#
        let embedding = try JSONDecoder().decode(JSONValue.self, from: Data(try await harness.request("POST", "/v1/embeddings", body: Array(embed.utf8)).body))
        #expect(embedding["data"]?.arrayValue?.count == 2)
        #expect(embedding["data"]?.arrayValue?.first?["embedding"]?.arrayValue?.count == 4)

        let missing = try await harness.request("POST", "/v1/chat/completions", body: Array(#"{"model": "m"}"#.utf8))
        #expect(missing.status == 400)
        #expect(try envelope(missing).param == "messages")
    }
}

/// A download cut off midway announces the whole length and delivers less.
@Suite struct SimulatorDropTests {
    @Test func droppedDownloadIsShort() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let content = String(repeating: "0123456789abcdef\n", count: 20_000)
        let file = try await harness.uploadFile(content)
        harness.simulator.faults.schedule([ScheduledFault(.dropConnection, pathPrefix: "/v1/files/\(file.id)/content")])
        let client = try await RawClient.connect(to: harness.address)
        try await client.send("GET /v1/files/\(file.id)/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(harness.apiKey ?? "")\r\n\r\n")
        let received = try await client.readToEnd()
        let text = String(decoding: received, as: UTF8.self)
        #expect(text.contains("Content-Length: \(content.utf8.count)"))
        #expect(received.count < content.utf8.count)
        #expect(try await harness.request("GET", "/v1/files/\(file.id)/content").body.count == content.utf8.count)
    }
}

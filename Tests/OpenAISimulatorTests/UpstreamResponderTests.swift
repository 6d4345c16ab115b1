import Foundation
import HTTPServer
import Logging
import OpenAIClient
import TestSupport
import Testing

@testable import OpenAISimulator

/// `--upstream`: requests go to a real OpenAI-compatible server and its answers come back as results.
@Suite struct UpstreamResponderTests {
    @Test func batchRequestsAreForwarded() async throws {
        var router = Router()
        router.add(.post, "/v1/chat/completions") { request in
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(try await request.body.collect(upTo: 1 << 20)))
            let prompt = body["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
            guard request.headers["Authorization"] == "Bearer up-key" else { return .text("no key", status: .unauthorized) }
            let answer: JSONValue = [
                "id": "chatcmpl-up", "object": "chat.completion", "model": "local-model",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string("upstream says: " + prompt)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12],
            ]
            return try Response.json(answer)
        }
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        let upstream = Server(configuration: configuration, router: router, logger: Logger(label: "up") { _ in SwiftLogNoOpLogHandler() })
        try upstream.start()
        let upstreamTask = Task { try await upstream.run() }
        let port = upstream.localAddress!.port

        let responder = try UpstreamResponder(url: "http://127.0.0.1:\(port)/v1", apiKey: "up-key", maxConcurrentRequests: 2)
        let harness = try SimulatorHarness.start(responder: responder)
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(3))
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        #expect(batch.usage?.totalTokens == 36)
        let output = try await harness.content(try #require(batch.outputFileID))
        let contents = output.compactMap { $0.response?.body["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue }
        #expect(Set(contents) == Set((1...3).map { "upstream says: Explain topic \($0)" }))

        try await harness.stop()
        upstream.stop()
        try await upstreamTask.value

        // Nothing listens any more: the requests fail with 502 into the error file.
        let down = try UpstreamResponder(url: "http://127.0.0.1:\(port)/v1")
        let result = await down.respond(endpoint: "/v1/chat/completions", body: ["model": "m"])
        #expect(result.statusCode == 502)
        #expect(result.body["error"]?["code"]?.stringValue == "upstream_error")
    }

    @Test func parsesChunkedAnswers() throws {
        let raw = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n".utf8)
        let (status, body) = try UpstreamResponder.parse(raw)
        #expect(status == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"a":1}"#)
        #expect(throws: (any Error).self) { try UpstreamResponder(url: "https://example.com/v1") }
    }
}

import Foundation
import JSON
import Synchronization
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

        // By name: the client resolves it (the old socket client took only numeric hosts).
        let responder = try UpstreamResponder(
            url: "http://localhost:\(port)/v1", apiKey: "up-key", maxConcurrentRequests: 2, logger: Self.quiet
        )
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
        let down = try UpstreamResponder(url: "http://127.0.0.1:\(port)/v1", retry: .none, logger: Self.quiet)
        let result = await down.respond(endpoint: "/v1/chat/completions", body: ["model": "m"])
        #expect(result.statusCode == 502)
        #expect(result.body["error"]?["code"]?.stringValue == "upstream_error")
    }

    static let quiet = Logger(label: "upstream") { _ in SwiftLogNoOpLogHandler() }

    /// An upstream that answers `status` with `body` to every chat request, and counts them.
    static func upstream(status: HTTPStatus, body: String, counter: Counter) throws -> (Server, Task<Void, any Error>, UInt16) {
        var router = Router()
        router.add(.post, "/v1/chat/completions") { _ in
            counter.increment()
            return Response.bytes(Array(body.utf8), contentType: "application/json", status: status)
        }
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        let server = Server(configuration: configuration, router: router, logger: quiet)
        try server.start()
        return (server, Task { try await server.run() }, server.localAddress!.port)
    }

    @Test func anUpstreamRefusalComesBackAsItWas() async throws {
        let counter = Counter()
        let (server, task, port) = try Self.upstream(
            status: .badRequest, body: #"{"error":{"message":"bad model","type":"invalid_request_error","code":"model_not_found"}}"#, counter: counter
        )
        defer { server.stop(); task.cancel() }
        let responder = try UpstreamResponder(url: "http://127.0.0.1:\(port)/v1", logger: Self.quiet)
        let result = await responder.respond(endpoint: "/v1/chat/completions", body: ["model": "m"])
        #expect(result.statusCode == 400)
        #expect(result.body["error"]?["code"]?.stringValue == "model_not_found")
        #expect(counter.value == 1)  // a 400 is not retried
    }

    @Test func upstreamOverloadIsRetriedThenHandedOn() async throws {
        let counter = Counter()
        let (server, task, port) = try Self.upstream(status: .serviceUnavailable, body: #"{"error":{"message":"busy"}}"#, counter: counter)
        defer { server.stop(); task.cancel() }
        let retry = OpenAI.RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(10), maxDelay: .milliseconds(20))
        let responder = try UpstreamResponder(url: "http://127.0.0.1:\(port)/v1", retry: retry, logger: Self.quiet)
        let result = await responder.respond(endpoint: "/v1/chat/completions", body: ["model": "m"])
        #expect(result.statusCode == 503)
        #expect(result.body["error"]?["message"]?.stringValue == "busy")
        #expect(counter.value == 3)
    }

    @Test func onlyHTTPURLsAreTaken() {
        #expect(throws: (any Error).self) { try UpstreamResponder(url: "ftp://example.com/v1", logger: Self.quiet) }
        #expect(throws: (any Error).self) { try UpstreamResponder(url: "not a url", logger: Self.quiet) }
        #expect(throws: Never.self) { try UpstreamResponder(url: "https://api.openai.com/v1", logger: Self.quiet) }
    }
}

/// A count shared with a route handler.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

import Foundation
import HTTPServer
import Logging
import OpenAIClient
import Testing
import TestSupport

/// Errors carry status, envelope and request id, and never the API key.
@Suite("OpenAI errors", .timeLimit(.minutes(1)))
struct ErrorMappingTests {
    @Test func notFoundCarriesTheEnvelopeAndRequestID() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let error = await #expect(throws: OpenAIError.self) { try await openai.retrieveBatch(id: "batch_missing") }
        #expect(error?.isNotFound == true)
        #expect(error?.status == 404)
        #expect(error?.error?.type == "invalid_request_error")
        #expect(error?.error?.message.isEmpty == false)
        let requestID = try #require(error?.requestID)
        #expect(!requestID.isEmpty)
        #expect(error?.description.contains(requestID) == true)
        #expect(fixture.simulator.faults.injectedCount == 0)
    }

    @Test func wrongKeyIsA401WithoutTheKey() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let wrong = "sk-wrong-key-9f8e7d6c5b4a"
        let error = await #expect(throws: OpenAIError.self) {
            try await fixture.client(apiKey: wrong).listBatches(after: nil, limit: 1)
        }
        #expect(error?.status == 401)
        #expect(error?.error?.code == "invalid_api_key")
        #expect(error.map { !"\($0)".contains(wrong) && !$0.message.contains(wrong) } == true)
    }

    @Test func connectionRefusedIsAConnectionErrorWithoutTheKey() async throws {
        let fixture = try SimulatorFixture.start()
        let openai = fixture.client(retry: OpenAI.RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(5)))
        try await fixture.stop()
        let error = await #expect(throws: OpenAIError.self) { try await openai.listBatches(after: nil, limit: 1) }
        #expect(error?.kind == .connection)
        #expect(error?.status == nil)
        #expect(error?.description.contains("refused") == true)
        #expect(error?.description.contains(SimulatorFixture.apiKey) == false)
    }

    @Test func aKeyEchoedByTheServerIsMasked() async throws {
        // A server that puts the Authorization header into its error message (some proxies do).
        let server = try EchoServer.start { request in
            let auth = request.headers["Authorization"] ?? ""
            let body = #"{"error": {"message": "bad auth \#(auth)", "type": "invalid_request_error", "param": null, "code": null}}"#
            return Response.bytes(Array(body.utf8), contentType: "application/json", status: HTTPStatus(code: 403))
        }
        defer { Task { await server.stop() } }
        let key = "sk-very-secret-key-123456"
        let openai = OpenAI(configuration: OpenAI.Configuration(baseURL: server.base + "/v1", apiKey: key), logger: SimulatorFixture.quietLogger)
        let error = await #expect(throws: OpenAIError.self) { try await openai.retrieveFile(id: "file-1") }
        #expect(error?.status == 403)
        #expect(error?.description.contains(key) == false)
        #expect(error?.error?.message.contains(key) == false)
        #expect(error?.error?.message.contains("[redacted]") == true)
        #expect(!"\(openai.configuration)".contains(key))
    }

    @Test func configuredHeadersAreSent() async throws {
        let server = try EchoServer.start { request in
            var seen: [String: String] = [:]
            for name in ["Authorization", "OpenAI-Organization", "OpenAI-Project", "User-Agent", "Content-Type"] {
                seen[name] = request.headers[name] ?? ""
            }
            seen["path"] = request.path
            let body = try await request.body.collect(upTo: 1 << 20)
            seen["body"] = String(decoding: body, as: UTF8.self)
            return try Response.json(seen)
        }
        defer { Task { await server.stop() } }
        var configuration = OpenAI.Configuration(baseURL: server.base + "/v1/", apiKey: "sk-abc")
        configuration.organization = "org-1"
        configuration.project = "proj-2"
        configuration.userAgent = "tests/1"
        let openai = OpenAI(configuration: configuration, logger: SimulatorFixture.quietLogger)
        let raw = try await openai.chatCompletion(body: Array(#"{"model":"m"}"#.utf8))
        let seen = try JSONDecoder().decode([String: String].self, from: Data(raw))
        #expect(seen["Authorization"] == "Bearer sk-abc")
        #expect(seen["OpenAI-Organization"] == "org-1")
        #expect(seen["OpenAI-Project"] == "proj-2")
        #expect(seen["User-Agent"] == "tests/1")
        #expect(seen["Content-Type"] == "application/json")
        #expect(seen["path"] == "/v1/chat/completions")
        #expect(seen["body"] == #"{"model":"m"}"#)
    }

    @Test func chatCompletionAgainstTheSimulatorReturnsRawJSON() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let body = #"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}"#
        let raw = try await fixture.client().chatCompletion(body: Array(body.utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any])
        #expect(object["object"] as? String == "chat.completion")
        #expect((object["choices"] as? [Any])?.isEmpty == false)
    }

    @Test func undecodableSuccessIsADecodingError() async throws {
        let server = try EchoServer.start { _ in Response.bytes(Array("[1, 2]".utf8), contentType: "application/json") }
        defer { Task { await server.stop() } }
        let openai = OpenAI(configuration: OpenAI.Configuration(baseURL: server.base + "/v1", apiKey: nil), logger: SimulatorFixture.quietLogger)
        let error = await #expect(throws: OpenAIError.self) { try await openai.retrieveBatch(id: "batch_1") }
        #expect(error?.kind == .decoding)
        #expect(error?.status == 200)
    }
}

/// An `HTTPServer` on 127.0.0.1:0 that answers every path with one handler.
struct EchoServer {
    let server: Server
    let task: Task<Void, any Error>
    let base: String

    static func start(_ handler: @escaping @Sendable (Request) async throws -> Response) throws -> EchoServer {
        var router = Router()
        for method in [HTTPMethod.get, .post, .delete] {
            router.add(method, "/{path...}", handler)
        }
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        configuration.shutdownGracePeriod = .milliseconds(200)
        let server = Server(configuration: configuration, router: router, logger: SimulatorFixture.quietLogger)
        try server.start()
        let task = Task { try await server.run() }
        return EchoServer(server: server, task: task, base: "http://127.0.0.1:\(server.localAddress!.port)")
    }

    func stop() async {
        server.stop()
        _ = try? await task.value
    }
}

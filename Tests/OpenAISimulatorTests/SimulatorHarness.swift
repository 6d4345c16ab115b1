import Foundation
import HTTPServer
import JSON
import Logging
import OpenAIClient
import TestSupport

@testable import OpenAISimulator

/// A simulator served on 127.0.0.1:0 for one test, with a small JSON client over `RawClient`.
struct SimulatorHarness {
    let simulator: Simulator
    let server: Server
    let task: Task<Void, any Error>
    let address: SocketAddress
    /// The bearer token every request sends (the simulator requires one, as OpenAI does).
    var apiKey: String?

    static func start(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        clock: any SimulatorClock = SystemSimulatorClock(),
        responder: any Responder = TemplateResponder()
    ) throws -> SimulatorHarness {
        var configuration = SimulatorConfiguration.instant
        configure(&configuration)
        let logger = Logger(label: "sim-test") { _ in SwiftLogNoOpLogHandler() }
        let simulator = try Simulator(configuration: configuration, responder: responder, clock: clock, logger: logger)
        let server = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try server.start()
        let task = Task { try await server.run() }
        return SimulatorHarness(
            simulator: simulator, server: server, task: task, address: server.localAddress!,
            apiKey: configuration.apiKey ?? "sk-sim-harness"
        )
    }

    func stop() async throws {
        server.stop()
        try await task.value
        await simulator.shutdown()
    }

    /// One request on a fresh connection, with the harness's bearer token unless `headers` bring their own.
    func request(_ method: String, _ path: String, headers: [String] = [], body: [UInt8] = []) async throws -> RawResponse {
        let client = try await RawClient.connect(to: address)
        var headers = headers
        if let apiKey, !headers.contains(where: { $0.lowercased().hasPrefix("authorization:") }) {
            headers.append("Authorization: Bearer \(apiKey)")
        }
        if !body.isEmpty, !headers.contains(where: { $0.lowercased().hasPrefix("content-type:") }) {
            headers.append("Content-Type: application/json")
        }
        return try await client.request(method, path, headers: headers, body: body)
    }

    func json<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, body: [UInt8] = []) async throws -> T {
        let response = try await request(method, path, body: body)
        guard response.status == 200 else { throw HarnessError.status(response.status, response.text) }
        return try JSONDecoder().decode(T.self, from: Data(response.body))
    }

    func upload(_ content: String, filename: String = "input.jsonl", purpose: String = "batch") async throws -> RawResponse {
        let boundary = "----sim-test-boundary"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n\(purpose)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
        body += "Content-Type: application/jsonl\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        return try await request("POST", "/v1/files", headers: ["Content-Type: multipart/form-data; boundary=\(boundary)"], body: Array(body.utf8))
    }

    func uploadFile(_ content: String) async throws -> FileObject {
        let response = try await upload(content)
        guard response.status == 200 else { throw HarnessError.status(response.status, response.text) }
        return try JSONDecoder().decode(FileObject.self, from: Data(response.body))
    }

    func createBatch(fileID: String, endpoint: String = "/v1/chat/completions") async throws -> Batch {
        let body = try JSONEncoder().encode(CreateBatchRequest(inputFileID: fileID, endpoint: endpoint, metadata: ["job": "test"]))
        return try await json(Batch.self, "POST", "/v1/batches", body: Array(body))
    }

    func batch(_ id: String) async throws -> Batch {
        try await json(Batch.self, "GET", "/v1/batches/\(id)")
    }

    /// Polls until the batch satisfies `condition` (default: terminal), within `timeout`.
    func waitFor(_ id: String, timeout: Duration = .seconds(20), _ condition: (Batch) -> Bool = { $0.status.isTerminal }) async throws -> Batch {
        try await waitUntil(timeout: timeout, pollEvery: .milliseconds(25), { try await batch(id) }, satisfies: condition)
    }

    func content(_ fileID: String) async throws -> [BatchResultLine] {
        let response = try await request("GET", "/v1/files/\(fileID)/content")
        guard response.status == 200 else { throw HarnessError.status(response.status, response.text) }
        guard response.body.last == 0x0A else { throw HarnessError.status(response.status, "last line without newline") }
        return try response.text.split(separator: "\n").map {
            try JSONDecoder().decode(BatchResultLine.self, from: Data($0.utf8))
        }
    }

    /// Chat request lines, `count` of them.
    static func chatLines(_ count: Int, model: String = "gpt-4o-mini", prompt: (Int) -> String = { "Explain topic \($0)" }) -> String {
        (1...count).map { index in
            let body: JSONValue = ["model": .string(model), "messages": [["role": "user", "content": .string(prompt(index))]]]
            let line = BatchRequestLine(customID: "request-\(index)", url: "/v1/chat/completions", body: body)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return String(decoding: try! encoder.encode(LineWrapper(line)), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
    }
}

/// Encodes a request line as a client would write it.
private struct LineWrapper: Encodable {
    let line: BatchRequestLine
    init(_ line: BatchRequestLine) { self.line = line }
    enum CodingKeys: String, CodingKey { case customID = "custom_id", method, url, body }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(line.customID, forKey: .customID)
        try c.encode(line.method, forKey: .method)
        try c.encode(line.url, forKey: .url)
        try c.encode(line.body, forKey: .body)
    }
}

enum HarnessError: Error {
    case status(Int, String)
    case timeout(String)
}

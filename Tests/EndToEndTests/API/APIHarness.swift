import BatchAPI
import BatchService
import Foundation
import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator
import Synchronization
import TestSupport

/// The simulator and the REST API, both on 127.0.0.1:0 in this process, over a fresh folder with `inputs/`
/// and `outputs/`. The API server can be restarted over the same folder (a new coordinator), the simulator
/// keeps running, as the real API would.
final class APIHarness: @unchecked Sendable {
    // Audited: `api` is replaced only by `restartAPI()`, which a test calls from its one task.
    let simulator: Simulator
    let simServer: Server
    let simTask: Task<Void, any Error>
    let root: TemporaryDirectory
    let token: String?
    let apiConfiguration: APIConfiguration
    private(set) var api: Running

    /// One API server and what it runs on.
    struct Running {
        let server: Server
        let task: Task<Void, any Error>
        let coordinator: BatchCoordinator
        let metrics: MetricsRegistry
        let address: SocketAddress
    }

    var inputs: String { root.path + "/inputs" }
    var outputs: String { root.path + "/outputs" }
    var address: SocketAddress { api.address }
    var simulatorAddress: SocketAddress { simServer.localAddress! }

    /// The bearer token sent when the test's simulator accepts any (it always requires one).
    static let anyKey = "sk-e2e-any"

    static let quiet = Logger(label: "e2e") { _ in SwiftLogNoOpLogHandler() }

    init(
        simulator configure: (inout SimulatorConfiguration) -> Void = { _ in },
        token: String? = nil,
        apiConfiguration: APIConfiguration = APIConfiguration(),
        inputs files: [String: String] = [:]
    ) async throws {
        var configuration = SimulatorConfiguration.instant
        configure(&configuration)
        simulator = try Simulator(configuration: configuration, logger: Self.quiet)
        simServer = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try simServer.start()
        let simServer = simServer
        simTask = Task { try await simServer.run() }
        root = try TemporaryDirectory(prefix: "batch-openai-e2e")
        try FileManager.default.createDirectory(atPath: root.path + "/inputs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.path + "/outputs", withIntermediateDirectories: true)
        for (name, content) in files {
            try content.write(toFile: root.path + "/inputs/" + name, atomically: true, encoding: .utf8)
        }
        self.token = token
        self.apiConfiguration = apiConfiguration
        api = try await Self.startAPI(
            simulator: simServer.localAddress!, apiKey: configuration.apiKey ?? Self.anyKey, root: root.path, token: token, configuration: apiConfiguration
        )
    }

    private static func startAPI(simulator: SocketAddress, apiKey: String?, root: String, token: String?, configuration: APIConfiguration) async throws -> Running {
        let backend = OpenAI(
            configuration: OpenAI.Configuration(baseURL: "http://\(simulator)/v1", apiKey: apiKey, retry: .none),
            logger: quiet
        )
        let workspace = try Workspace(outputs: root + "/outputs", inputs: root + "/inputs")
        let coordinator = BatchCoordinator(
            backend: backend, workspace: workspace, logger: quiet,
            policy: RunPolicy(maxTransientFailures: 3, initialBackoff: 0.05, maxBackoff: 0.1)
        )
        let application = try APIApplication(coordinator: coordinator, configuration: configuration, token: token)
        let metrics = application.metrics
        var serverConfiguration = Server.Configuration(host: "127.0.0.1", port: 0)
        serverConfiguration.accessLog = false
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let server = application.makeServer(serverConfiguration, logger: quiet)
        try server.start()
        let task = Task { try await server.run() }
        await coordinator.resumeRuns()
        return Running(server: server, task: task, coordinator: coordinator, metrics: metrics, address: server.localAddress!)
    }

    /// Stops the API server and its runs (as a SIGTERM would), then starts a new one over the same folders.
    func restartAPI() async throws {
        await stopAPI()
        api = try await Self.startAPI(simulator: simulatorAddress, apiKey: simulator.configuration.apiKey ?? Self.anyKey, root: root.path, token: token, configuration: apiConfiguration)
    }

    private func stopAPI() async {
        api.server.stop()
        await api.coordinator.stopRuns()
        _ = try? await api.task.value
    }

    func stop() async {
        await stopAPI()
        simServer.stop()
        _ = try? await simTask.value
        await simulator.shutdown()
        root.remove()
    }

    // MARK: - Requests

    /// One request on a fresh connection; the bearer token is added when the harness has one and `auth` is true.
    func request(_ method: String, _ target: String, headers: [String] = [], body: [UInt8] = [],
                 auth: Bool = true, timeout: Duration = .seconds(30)) async throws -> RawResponse {
        let client = try await RawClient.connect(to: address)
        var headers = headers
        if auth, let token { headers.append("Authorization: Bearer \(token)") }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for header in headers { head += header + "\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try await client.send(Array(head.utf8) + body)
        return try await client.readResponse(method: method, timeout: timeout)
    }

    /// A POST of a JSON text.
    func post(_ target: String, json: String = "", headers: [String] = [], timeout: Duration = .seconds(30)) async throws -> RawResponse {
        try await request("POST", target, headers: ["Content-Type: application/json"] + headers, body: Array(json.utf8), timeout: timeout)
    }

    /// A multipart/form-data body with text fields and one file part.
    static func multipart(fields: [(String, String)], file: (name: String, filename: String, content: [UInt8])?) -> (contentType: String, body: [UInt8]) {
        let boundary = "----e2e-boundary-7MA4YWxkTrZu0gW"
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.content
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    /// Polls `GET /batches/{id}/status` until `condition` holds.
    func waitForStatus(_ id: String, timeout: Duration = .seconds(30), _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        try await waitUntil(timeout: timeout, pollEvery: .milliseconds(50), {
            try Self.object(try await request("GET", "/batches/\(id)/status"))
        }, satisfies: condition)
    }

    /// The body as a JSON object.
    static func object(_ response: RawResponse) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw HarnessFailure("not a JSON object: \(response.text)")
        }
        return object
    }

    // MARK: - Request files

    /// `count` chat request lines; `model` and the prompt vary so that results differ.
    static func chatLines(_ count: Int, prefix: String = "req") -> String {
        (1...count).map { index in
            #"{"custom_id":"\#(prefix)-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Explain topic \#(index)"}]}}"#
        }.joined(separator: "\n") + "\n"
    }

    /// The repository's `inputs/sample_input.jsonl`, the seed's example file.
    static var sampleInput: String {
        get throws {
            let here = URL(fileURLWithPath: #filePath)
            let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            return try String(contentsOf: root.appendingPathComponent("inputs/sample_input.jsonl"), encoding: .utf8)
        }
    }
}

/// A harness expectation that did not hold.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

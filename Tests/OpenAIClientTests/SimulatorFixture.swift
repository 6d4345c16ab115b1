import Foundation
import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator
import TestSupport

/// The simulator on 127.0.0.1:0 for one test, and `OpenAI` clients pointed at it over real HTTP.
struct SimulatorFixture {
    static let apiKey = "sk-test-0123456789abcdef-SECRET"

    let simulator: Simulator
    let server: Server
    let task: Task<Void, any Error>
    let baseURL: String
    let directory: TemporaryDirectory

    static func start(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> SimulatorFixture {
        var configuration = SimulatorConfiguration.instant
        configuration.apiKey = apiKey
        configure(&configuration)
        let simulator = try Simulator(configuration: configuration, logger: quietLogger)
        let server = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try server.start()
        let task = Task { try await server.run() }
        let port = server.localAddress!.port
        return SimulatorFixture(
            simulator: simulator, server: server, task: task, baseURL: "http://127.0.0.1:\(port)/v1",
            directory: try TemporaryDirectory(prefix: "openai-client-test")
        )
    }

    static let quietLogger = Logger(label: "openai-client-test") { _ in SwiftLogNoOpLogHandler() }

    /// A client with tiny retry delays, so fault tests run fast.
    func client(
        apiKey: String? = SimulatorFixture.apiKey,
        retry: OpenAI.RetryPolicy = OpenAI.RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50), deadline: .seconds(20)),
        timeouts: OpenAI.Timeouts = OpenAI.Timeouts(connect: .seconds(5), request: .seconds(10))
    ) -> OpenAI {
        var configuration = OpenAI.Configuration(baseURL: baseURL, apiKey: apiKey)
        configuration.retry = retry
        configuration.timeouts = timeouts
        return OpenAI(configuration: configuration, logger: Self.quietLogger)
    }

    func stop() async throws {
        server.stop()
        try await task.value
        await simulator.shutdown()
        directory.remove()
    }

    /// Writes `count` chat request lines to a file in the fixture's directory.
    func writeInput(_ count: Int, name: String = "input.jsonl") throws -> String {
        let lines = (1...count).map { index in
            #"{"custom_id":"request-\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Explain topic \#(index)"}]}}"#
        }
        let path = directory.path + "/" + name
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Polls until the batch is terminal.
    func waitForTerminal(_ client: OpenAI, _ id: String, timeout: Duration = .seconds(20)) async throws -> Batch {
        try await waitUntil(timeout: timeout, pollEvery: .milliseconds(20), { try await client.retrieveBatch(id: id) },
                            satisfies: { $0.status.isTerminal })
    }
}

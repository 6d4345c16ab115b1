import BatchCore
import BatchService
import Foundation
import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator
import Synchronization
import TestSupport

/// One test's world: the simulator on 127.0.0.1:0, the real `OpenAI` client (libcurl) pointed at it,
/// a temporary working directory with `inputs/` and `outputs/`, and a coordinator over them.
struct ServiceFixture {
    static let apiKey = "sk-test-service-0123456789-SECRET"

    let simulator: Simulator
    let server: Server
    let task: Task<Void, any Error>
    let baseURL: String
    let directory: TemporaryDirectory
    let workspace: Workspace
    let logs: LogCapture

    static func start(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in },
        clock: any SimulatorClock = SystemSimulatorClock()
    ) throws -> ServiceFixture {
        var configuration = SimulatorConfiguration.instant
        configuration.apiKey = apiKey
        configure(&configuration)
        let simulator = try Simulator(configuration: configuration, clock: clock, logger: Logger(label: "sim") { _ in SwiftLogNoOpLogHandler() })
        let server = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try server.start()
        let task = Task { try await server.run() }
        let directory = try TemporaryDirectory(prefix: "batch-service-test")
        let workspace = try Workspace(outputs: directory.path + "/outputs", inputs: directory.path + "/inputs")
        return ServiceFixture(
            simulator: simulator, server: server, task: task, baseURL: "http://127.0.0.1:\(server.localAddress!.port)/v1",
            directory: directory, workspace: workspace, logs: LogCapture()
        )
    }

    /// The real client, with short retry delays so fault tests stay fast.
    func client() -> OpenAI {
        var configuration = OpenAI.Configuration(baseURL: baseURL, apiKey: Self.apiKey)
        configuration.retry = OpenAI.RetryPolicy(maxAttempts: 4, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50), deadline: .seconds(20))
        configuration.timeouts = OpenAI.Timeouts(connect: .seconds(5), request: .seconds(20))
        return OpenAI(configuration: configuration, logger: logs.logger)
    }

    /// A coordinator over the fixture's folders; several may share them (a restart is a new one).
    func coordinator(limits: BatchLimits = .openAI, policy: RunPolicy = RunPolicy(maxTransientFailures: 5, initialBackoff: 0.05, maxBackoff: 0.2)) -> BatchCoordinator {
        BatchCoordinator(backend: client(), workspace: workspace, logger: logs.logger, policy: policy, limits: limits)
    }

    func stop() async throws {
        server.stop()
        try await task.value
        await simulator.shutdown()
        directory.remove()
    }

    // MARK: - Files

    /// Chat request lines `request-1` … `request-<count>`, as JSONL text.
    static func chatLines(_ count: Int, prefix: String = "request-", model: String = "gpt-4o-mini") -> String {
        (1...count).map { index in
            #"{"custom_id":"\#(prefix)\#(index)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"Explain topic \#(index)"}]}}"#
        }.joined(separator: "\n") + "\n"
    }

    /// Writes `text` to `inputs/<name>` and returns the relative path a client would send.
    @discardableResult
    func writeInput(_ text: String, name: String = "requests.jsonl") throws -> String {
        let path = workspace.inputsDirectory + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return name
    }

    /// The bytes of a file, or nil.
    static func bytes(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map(Array.init)
    }

    /// A file's text; empty when there is no path or no file (the test's other checks then fail).
    static func text(_ path: String?) -> String {
        path.flatMap(bytes).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Every regular file under `root`, relative path → bytes.
    static func tree(_ root: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return files }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = bytes(root + "/" + relative)
            }
        }
        return files
    }

    /// Entries of `outputs/` (hidden ones included).
    /// The names in `outputs/`, sorted.
    func outputEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: workspace.outputsDirectory)) ?? []).sorted()
    }

    /// The records of unanswered creates in `outputs/.pending`.
    func pendingCreates() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: workspace.outputsDirectory + "/.pending")) ?? []
    }
}

/// Keeps every log line (message and metadata) so a test can check what was logged, e.g. never the key.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "batch-service-test") { _ in CapturingHandler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        }
    }
}

/// The `BatchServiceError` that `body` throws; nil when it succeeds or throws something else
/// (use with `#require`, which then fails the test).
func serviceError<T>(_ body: () async throws -> T) async -> BatchServiceError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? BatchServiceError
    }
}

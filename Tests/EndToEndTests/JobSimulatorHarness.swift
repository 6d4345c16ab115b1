import BatchService
import Foundation
import HTTPServer
import Logging
import OpenAIClient
import OpenAISimulator
import TestSupport

/// The simulator on 127.0.0.1:0 in this process and coordinators over a fresh folder talking to it over real
/// HTTP, for the job driver's end-to-end tests. A restart is a new coordinator over the same folders; the
/// simulator keeps its batches, as the real API would.
final class JobSimulatorHarness: Sendable {
    let simulator: Simulator
    let simServer: Server
    let simTask: Task<Void, any Error>
    let root: TemporaryDirectory
    let backend: OpenAI
    let workspace: Workspace

    static let quiet = Logger(label: "e2e-jobs") { _ in SwiftLogNoOpLogHandler() }

    init(simulator configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws {
        var configuration = SimulatorConfiguration.instant
        configure(&configuration)
        simulator = try Simulator(configuration: configuration, logger: Self.quiet)
        simServer = simulator.makeServer(host: "127.0.0.1", port: 0) { $0.accessLog = false }
        try simServer.start()
        let server = simServer
        simTask = Task { try await server.run() }
        root = try TemporaryDirectory(prefix: "batch-openai-e2e-jobs")
        try FileManager.default.createDirectory(atPath: root.path + "/inputs", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.path + "/outputs", withIntermediateDirectories: true)
        workspace = try Workspace(outputs: root.path + "/outputs", inputs: root.path + "/inputs")
        backend = OpenAI(
            configuration: OpenAI.Configuration(baseURL: "http://\(simServer.localAddress!)/v1", apiKey: "sk-e2e-jobs", retry: .none),
            logger: Self.quiet
        )
    }

    /// A coordinator over the harness's folders with quick polls and back-offs.
    func coordinator(maxAttempts: Int = 3, queueTimeout: Double = 60) -> BatchCoordinator {
        BatchCoordinator(
            backend: backend, workspace: workspace, logger: Self.quiet,
            policy: RunPolicy(maxTransientFailures: 5, initialBackoff: 0.05, maxBackoff: 0.2),
            jobPolicy: JobRunPolicy(maxAttempts: maxAttempts, queueTimeout: queueTimeout, initialBackoff: 0.05, maxBackoff: 0.2, pollInterval: 0.02)
        )
    }

    /// Every batch the simulator holds.
    func simulatorBatches() async throws -> [Batch] {
        var all: [Batch] = []
        var after: String?
        while true {
            let page = try await backend.listBatches(after: after, limit: 100)
            all += page.data
            guard page.hasMore, let last = page.data.last?.id else { return all }
            after = last
        }
    }

    /// Part files of chat lines under `staged/parts/` and their plan; each part's tokens are its bytes / 4
    /// rounded up, the way the simulator counts them against its enqueued-token limit.
    func plan(parts: [[String]], jobID: String = "job_00112233445566778899", limits: JobLimits = JobLimits()) throws -> (plan: JobPlan, folder: String) {
        let folder = root.path + "/staged"
        try FileManager.default.createDirectory(atPath: folder + "/parts", withIntermediateDirectories: true)
        var planned: [JobPart] = []
        var first = 1
        var bytes: Int64 = 0
        for (index, ids) in parts.enumerated() {
            let text = ids.map(Self.line).joined(separator: "\n") + "\n"
            let file = "parts/" + String(format: "%04d", index) + ".jsonl"
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + file))
            planned.append(JobPart(
                index: index, model: "gpt-4o-mini", requestCount: ids.count, byteCount: Int64(text.utf8.count),
                sha256: String(repeating: "0", count: 64), inputTokens: (text.utf8.count + 3) / 4, exactTokens: false,
                outputTokenCeiling: nil, firstLine: first, file: file
            ))
            first += ids.count
            bytes += Int64(text.utf8.count)
        }
        let plan = JobPlan(jobID: jobID, jobName: "e2e", inputSHA256: String(repeating: "b", count: 64), endpoint: "/v1/chat/completions",
                           requestCount: first - 1, byteCount: bytes, limits: limits, parts: planned)
        return (plan, folder)
    }

    /// `count` ids `r-1` … in parts of `perPart`.
    static func ids(_ count: Int, perPart: Int) -> [[String]] {
        stride(from: 1, through: count, by: perPart).map { start in (start...min(count, start + perPart - 1)).map { "r-\($0)" } }
    }

    /// A chat request line (ids of equal length make parts of equal size).
    static func line(_ id: String) -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Explain \#(id)"}]}}"#
    }

    /// The items of a job's `index.json` by custom_id.
    static func items(_ outputDirectory: String) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: outputDirectory + "/index.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let items = object?["items"] as? [[String: Any]] ?? []
        return Dictionary(items.map { ($0["custom_id"] as? String ?? "", $0) }, uniquingKeysWith: { $1 })
    }

    func stop() async {
        simServer.stop()
        _ = try? await simTask.value
        await simulator.shutdown()
        root.remove()
    }
}

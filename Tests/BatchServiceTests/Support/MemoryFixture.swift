import BackendTesting
import BatchService
import Foundation
import Logging
import TestSupport

/// One test's world without sockets: an `InMemoryBackend`, a temporary `inputs/` and `outputs/`, and
/// coordinators over them (a restart is a new coordinator over the same folders).
struct MemoryFixture {
    let backend: InMemoryBackend
    let directory: TemporaryDirectory
    let workspace: Workspace
    let logs: LogCapture

    static func make(progression: InMemoryBackend.Progression = .onePerRetrieve()) throws -> MemoryFixture {
        let directory = try TemporaryDirectory(prefix: "batch-service-memory")
        let workspace = try Workspace(outputs: directory.path + "/outputs", inputs: directory.path + "/inputs")
        return MemoryFixture(backend: InMemoryBackend(progression: progression), directory: directory, workspace: workspace, logs: LogCapture())
    }

    /// A coordinator with quick retries, so that transient failures cost milliseconds.
    func coordinator(policy: RunPolicy = RunPolicy(maxTransientFailures: 5, initialBackoff: 0.001, maxBackoff: 0.005)) -> BatchCoordinator {
        BatchCoordinator(backend: backend, workspace: workspace, logger: logs.logger, policy: policy)
    }

    /// Writes `text` to `inputs/<name>` and returns the path a client would send.
    @discardableResult
    func writeInput(_ text: String, name: String = "requests.jsonl") throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: workspace.inputsDirectory + "/" + name))
        return name
    }

    /// A submission of `count` chat lines (`request-1` …) from `inputs/<name>`.
    func submission(_ count: Int = 5, name: String = "requests.jsonl", jobName: String? = nil, force: Bool = false) throws -> SubmitRequest {
        SubmitRequest(input: .path(try writeInput(ServiceFixture.chatLines(count), name: name)), jobName: jobName, force: force)
    }

    /// The names in `outputs/`, sorted.
    func outputEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: workspace.outputsDirectory)) ?? []).sorted()
    }

    /// The records of unanswered creates in `outputs/.pending`.
    func pendingCreates() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: workspace.outputsDirectory + "/.pending")) ?? []
    }

    func remove() {
        directory.remove()
    }
}

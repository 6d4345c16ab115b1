import BatchService
import Foundation

/// Watches a job driven by this process until it ends, redrawing one progress line for all its batches
/// (`run` and `retry` share it). Reads the coordinator's live state: watching costs no request of its own.
struct JobFollower {
    let coordinator: BatchCoordinator
    let progress: ProgressDisplay
    let pollInterval: Double
    let timeout: Double?
    /// `run --batches`: a line per batch under the total whenever one moves.
    var showBatches = false

    /// Returns the job as it ended; `--timeout` passed is a failure that says the job goes on.
    func follow(_ id: String, elapsed: () -> Double) async throws -> JobProgress {
        let deadline = timeout.map { elapsed() + $0 }
        let tick = min(pollInterval, 1.0)
        var shown: [String: String] = [:]
        while true {
            let current: JobProgress
            do {
                current = try await coordinator.job(id: id)
            } catch {
                progress.finish()
                throw CommandFailure("job \(id): \(error.message)")
            }
            if showBatches { Self.batchLines(current, shown: &shown).forEach(progress.note) }
            progress.update(job: current, elapsed: elapsed())
            if current.job.phase.isTerminal {
                progress.finish()
                // Let the driver finish writing index.json before reading what it wrote.
                return await coordinator.waitForJob(id: id) ?? current
            }
            if let deadline, elapsed() >= deadline {
                progress.finish()
                throw CommandFailure("job \(id) is still running after --timeout; its batches go on on the server, "
                    + "and the same command again (without --force) picks the job up")
            }
            try await Task.sleep(for: .milliseconds(Int(tick * 1000)))
        }
    }

    /// The lines of the batches that moved since `shown` (by part and attempt): state, batch and its status, and
    /// requests done and failed of all.
    static func batchLines(_ job: JobProgress, shown: inout [String: String]) -> [String] {
        var lines: [String] = []
        for row in job.batches {
            var line = "  part \(row.part) attempt \(row.attempt): \(row.state.rawValue)"
            if let batchID = row.batchID { line += "  \(batchID) \(row.batchStatus ?? "")" }
            line += "  \(row.completed)/\(row.requestCount) done, \(row.failed) failed"
            if let failure = row.failure { line += "  (\(failure))" }
            let key = "\(row.part)/\(row.attempt)"
            guard shown[key] != line else { continue }
            shown[key] = line
            lines.append(line)
        }
        return lines
    }
}

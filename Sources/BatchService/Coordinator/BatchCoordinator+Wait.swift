import Foundation
import Logging
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Follows the batch to a terminal state, polling every `pollInterval` seconds (progress logged),
    /// persisting `batch.json` each time; `timedOut` after `timeout` seconds.
    public func wait(id: String, pollInterval: Double, timeout: Double?) async throws(BatchServiceError) -> Batch {
        let batchID = try checkedID(id)
        guard pollInterval.isFinite, pollInterval > 0, pollInterval <= 3600 else {
            throw BatchServiceError(.badRequest, "poll_interval must be a number of seconds above 0 and at most 3600.")
        }
        // Bounded: `.seconds(1e308)` traps (it does not fit a Duration) and took the whole server down.
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= 604_800) {
            throw BatchServiceError(.badRequest, "timeout must be a number of seconds from 0 to 604800 (a week).")
        }
        let started = ContinuousClock.now
        let deadline = timeout.map { started + .seconds($0) }
        var progress = ProgressLog(logger: logger, batchID: id)
        while true {
            let batch = try await fetch(batchID, creatingFolder: true)
            progress.report(batch)
            if batch.status.isTerminal { return batch }
            var pause = Duration.seconds(pollInterval)
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else {
                    throw BatchServiceError(.timedOut, "Batch \(id) is still \(batch.status) after \(Self.seconds(started.duration(to: .now))) s "
                        + "(\(Self.counts(batch))); it goes on: wait again later.")
                }
                pause = min(pause, left)
            }
            try await Self.pause(pause)
        }
    }

    /// Sleeps; a cancelled task ends the wait.
    static func pause(_ duration: Duration) async throws(BatchServiceError) {
        do {
            try await Task.sleep(for: duration)
        } catch {
            throw BatchServiceError(.internalError, "The wait was cancelled.")
        }
    }

    static func counts(_ batch: Batch) -> String {
        let counts = batch.requestCounts ?? BatchRequestCounts()
        return "\(counts.completed) of \(counts.total) completed, \(counts.failed) failed"
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", duration.inSeconds)
    }
}

/// Logs a batch's progress while it is followed: a line at `info` when the status or the counts change,
/// at `debug` otherwise, so a long wait does not flood the log.
struct ProgressLog {
    let logger: Logger
    let batchID: String
    private var last: (BatchStatus, BatchRequestCounts?)?

    init(logger: Logger, batchID: String) {
        self.logger = logger
        self.batchID = batchID
    }

    mutating func report(_ batch: Batch) {
        let counts = batch.requestCounts ?? BatchRequestCounts()
        let metadata: Logger.Metadata = [
            "batch_id": "\(batchID)", "status": "\(batch.status)",
            "completed": "\(counts.completed)", "failed": "\(counts.failed)", "total": "\(counts.total)",
        ]
        let changed = last.map { $0.0 != batch.status || $0.1 != batch.requestCounts } ?? true
        logger.log(level: changed ? .info : .debug, "batch progress", metadata: metadata)
        last = (batch.status, batch.requestCounts)
    }
}

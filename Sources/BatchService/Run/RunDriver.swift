import Foundation
import OpenAIClient
import OutputParser
import SystemIO

/// Drives one `PipelineRun` to its end: performs each action the state machine returns, feeds back what
/// happened, and records the new state (fsynced) after every transition.
///
/// Transient backend failures (unreachable, timeouts, 429, 5xx) are retried with back-off per the
/// coordinator's `RunPolicy`; anything else fails the run for good. A cancelled driver (`stopRuns`, a
/// shutdown) stops without recording anything, so the state on disk is the last real one and a restart
/// resumes from it, as after `kill -9`.
struct RunDriver {
    let coordinator: BatchCoordinator
    var run: PipelineRun
    /// When to give up waiting for the batch; nil lets the completion window bound it.
    let deadline: ContinuousClock.Instant?
    private let started = ContinuousClock.now
    private var batch: Batch?
    private var download: DownloadResult?
    private var index: ParseIndex?

    init(coordinator: BatchCoordinator, run: PipelineRun, timeout: Double?) {
        self.coordinator = coordinator
        self.run = run
        deadline = timeout.map { ContinuousClock.now + .seconds($0) }
    }

    /// Runs to the end; the result, or the error that ended the run (then recorded as `failed`).
    mutating func drive() async -> Result<RunResult, BatchServiceError> {
        defer { coordinator.driverEnded(run.batchID) }
        var action = run.apply(.resumed)
        var progress = ProgressLog(logger: coordinator.logger, batchID: run.batchID)
        var recorded = run
        do throws(BatchServiceError) {
            while true {
                switch action {
                case .poll(let after):
                    try await pause(after)
                    let fetched = try await retrying("poll") { () async throws(BatchServiceError) in try await fetchBatch() }
                    batch = fetched
                    progress.report(fetched)
                    action = run.apply(.polled(
                        status: fetched.status.rawValue, terminal: fetched.status.isTerminal,
                        hasResults: BatchCoordinator.hasResults(fetched)
                    ))
                    if case .poll = action, let deadline, ContinuousClock.now >= deadline {
                        throw BatchServiceError(.timedOut, "Gave up waiting for batch \(run.batchID) after \(BatchCoordinator.seconds(started.duration(to: .now))) s; "
                            + "it is \(fetched.status) (\(BatchCoordinator.counts(fetched))) and goes on: follow it with wait and download.")
                    }
                case .download:
                    let id = run.batchID
                    let downloaded = try await retrying("download") { () async throws(BatchServiceError) in try await coordinator.download(id: id) }
                    download = downloaded
                    batch = downloaded.batch
                    action = run.apply(.downloaded)
                case .parse:
                    index = try await coordinator.parse(id: run.batchID, force: true, only: nil)
                    action = run.apply(.parsed)
                case .finish, .ignore:
                    try stopIfCancelled()
                    try await coordinator.record(run)
                    return .success(try await result())
                }
                try stopIfCancelled()
                // A poll that saw nothing new changes nothing on disk: no fsync per poll.
                if case .finish = action { continue }
                guard run != recorded else { continue }
                try await coordinator.record(run)
                recorded = run
            }
        } catch {
            guard !Task.isCancelled else {
                coordinator.logger.notice("run stopped; it resumes at the next start", metadata: ["batch_id": "\(run.batchID)", "phase": "\(run.phase.rawValue)"])
                return .failure(BatchServiceError(.internalError, "The run of batch \(run.batchID) was stopped; it resumes when the service starts again."))
            }
            _ = run.apply(.failed(error.message))
            coordinator.logger.error("run failed", metadata: ["batch_id": "\(run.batchID)", "error": "\(error.message)"])
            try? await coordinator.record(run)
            return .failure(error)
        }
    }

    // MARK: - Steps

    private func fetchBatch() async throws(BatchServiceError) -> Batch {
        try await coordinator.fetch(coordinator.checkedID(run.batchID), creatingFolder: true)
    }

    /// Retries `step` while it fails transiently, with back-off, up to the policy's limit.
    private func retrying<T>(_ name: String, _ step: () async throws(BatchServiceError) -> T) async throws(BatchServiceError) -> T {
        var attempt = 0
        while true {
            do {
                return try await step()
            } catch {
                try stopIfCancelled()
                attempt += 1
                guard error.isTransient, attempt < coordinator.policy.maxTransientFailures else { throw error }
                let delay = coordinator.policy.backoff(attempt: attempt)
                coordinator.logger.warning("run step failed; retrying", metadata: [
                    "batch_id": "\(run.batchID)", "step": "\(name)", "attempt": "\(attempt)", "retry_in": "\(delay)", "error": "\(error.message)",
                ])
                try await pause(delay)
            }
        }
    }

    /// Sleeps up to `seconds`, never past the deadline (the poll after it reports the timeout).
    private func pause(_ seconds: Double) async throws(BatchServiceError) {
        guard seconds > 0 else { return try stopIfCancelled() }
        var duration = Duration.seconds(seconds)
        if let deadline { duration = max(.zero, min(duration, deadline - ContinuousClock.now)) }
        try await BatchCoordinator.pause(duration)
    }

    private func stopIfCancelled() throws(BatchServiceError) {
        if Task.isCancelled { throw BatchServiceError(.internalError, "stopped") }
    }

    /// How the run ended, with the latest batch (from disk when this driver never fetched it).
    private mutating func result() async throws(BatchServiceError) -> RunResult {
        let id = try coordinator.checkedID(run.batchID)
        var latest = batch
        if latest == nil { latest = await coordinator.stateStore.batch(id) }
        let finalBatch: Batch
        if let latest { finalBatch = latest } else { finalBatch = try await fetchBatch() }
        if run.phase == .completed, download == nil { download = try await coordinator.localDownload(finalBatch, id) }
        return RunResult(batch: finalBatch, outputDirectory: coordinator.artifactStore.location(of: id), run: run, download: download, index: index)
    }
}

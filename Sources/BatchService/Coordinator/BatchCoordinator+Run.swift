import Foundation
import OpenAIClient
import OutputParser
import SystemIO

/// A run being driven in the background: it ends with the run's result or the error that stopped it.
typealias RunTask = Task<Result<RunResult, BatchServiceError>, Never>

extension BatchCoordinator {
    /// Submit → wait → download → parse, durable: returns when the run ends.
    ///
    /// The run is driven by a task the coordinator owns, so it goes on even when the caller goes away; its
    /// `PipelineRun` is fsynced to `outputs/<batch_id>/run.json` after every transition. A batch that
    /// ends without results returns a run in phase `failed` (the batch says why); a step that fails for
    /// good (the backend down past the retries, `timeout` passed) throws. A reused submission joins the
    /// earlier run: one still going here is awaited, a completed one is reported as it stands on disk.
    public func run(_ request: RunRequest) async throws(BatchServiceError) -> RunResult {
        let (submission, task) = try await launch(request)
        var result = try await task.value.get()
        result.reused = submission.result.reused
        return result
    }

    /// Submits and starts the rest of the run in the background (it goes on even if the caller goes away);
    /// returns once the batch exists. For `Prefer: respond-async`.
    public func startRun(_ request: RunRequest) async throws(BatchServiceError) -> SubmitResult {
        try await launch(request).submission.result
    }

    /// The durable run of this batch, when one was started here.
    public func runState(id: String) async -> PipelineRun? {
        guard let batchID = try? BatchID(id) else { return nil }
        if let live = state.withLock({ $0.liveRuns[id] }) { return live }
        return await stateStore.run(batchID)
    }

    /// Awaits the run of this batch when one is being driven here, and returns its final state
    /// (`nil` when no run of that batch is known). For callers that started it with `startRun`.
    public func waitForRun(id: String) async -> PipelineRun? {
        if let task = state.withLock({ $0.drivers[id] }) { _ = await task.value }
        return await runState(id: id)
    }

    /// Finds runs on disk that did not finish (a server stopped during wait, download or parse) and goes on
    /// with each in the background. Call once at start. Also tidies `outputs/`: a staging folder left by a
    /// crash is removed, or published when its batch had been created.
    public func resumeRuns() async {
        let found = await stateStore.unfinishedRuns()
        if !found.published.isEmpty || found.discarded > 0 {
            logger.notice("tidied staging folders", metadata: ["published": "\(found.published.joined(separator: ","))", "removed": "\(found.discarded)"])
        }
        for run in found.runs {
            logger.notice("resuming run", metadata: ["batch_id": "\(run.batchID)", "phase": "\(run.phase.rawValue)"])
            _ = startDriver(run, timeout: nil)
        }
        // After the batches' runs: a job follows its batches through them.
        await resumeJobs()
    }

    /// Tidies what crashed processes left in `outputs/` while submitting (a staging folder is published when
    /// its batch had been created, removed otherwise; the command line's copies are removed), leaving alone
    /// what live processes are working on. `resumeRuns()` does it too; the command line's `run` calls this.
    public func sweepStaging() async {
        let swept = await stateStore.sweepStaging()
        if !swept.published.isEmpty || swept.discarded > 0 {
            logger.notice("tidied staging folders", metadata: ["published": "\(swept.published.joined(separator: ","))", "removed": "\(swept.discarded)"])
        }
    }

    /// Stops driving runs (a graceful shutdown): each stops at its next step without recording anything
    /// more, so `resumeRuns()` at the next start goes on from the last state on disk. Returns once all stopped.
    public func stopRuns() async {
        // Jobs first: a job would take its batches' stopped runs for failed ones.
        let jobTasks = cancelJobs()
        let tasks = state.withLock { Array($0.drivers.values) }
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.value }
        for task in jobTasks { _ = await task.value }
    }

    // MARK: - Launch

    private func launch(_ request: RunRequest) async throws(BatchServiceError) -> (submission: Submission, task: RunTask) {
        guard request.pollInterval.isFinite, request.pollInterval > 0, request.pollInterval <= 3600 else {
            throw BatchServiceError(.badRequest, "poll_interval must be a number of seconds above 0 and at most 3600.")
        }
        if let timeout = request.timeout, !(timeout.isFinite && timeout >= 0) {
            throw BatchServiceError(.badRequest, "timeout must be a number of seconds, 0 or more.")
        }
        let settings = RunSettings(doParse: request.doParse, pollInterval: request.pollInterval)
        let submission = try await submit(request.submission, run: settings)
        let id = submission.result.batch.id
        guard submission.result.reused else {
            let run = submission.run ?? PipelineRun(batchID: id, jobName: request.submission.jobName,
                                                    doParse: request.doParse, pollInterval: request.pollInterval)
            return (submission, startDriver(run, timeout: request.timeout))
        }
        if let active = state.withLock({ $0.drivers[id] }) { return (submission, active) }
        if let earlier = submission.run, earlier.phase == .completed {
            let batch = submission.result.batch
            let task = RunTask { [self] in await completedResult(earlier, batch) }
            return (submission, task)
        }
        // Reused without a finished run here (submitted step by step, or its run failed): follow it anew.
        let run = PipelineRun(batchID: id, jobName: request.submission.jobName, doParse: request.doParse, pollInterval: request.pollInterval)
        let batchID = try checkedID(id)
        try await stored { () async throws(WorkspaceError) in try await stateStore.putRun(run, for: batchID) }
        return (submission, startDriver(run, timeout: request.timeout))
    }

    /// The driver of `run`'s batch: the one already going here, or a new one.
    func startDriver(_ run: PipelineRun, timeout: Double?) -> RunTask {
        state.withLock { state in
            if let active = state.drivers[run.batchID] { return active }
            let task = RunTask { [self] in
                var driver = RunDriver(coordinator: self, run: run, timeout: timeout)
                return await driver.drive()
            }
            state.drivers[run.batchID] = task
            state.liveRuns[run.batchID] = run
            return task
        }
    }

    /// Called by a driver as it ends.
    func driverEnded(_ batchID: String) {
        state.withLock { state in
            state.drivers[batchID] = nil
            state.liveRuns[batchID] = nil
        }
    }

    /// Records a run's new state: on disk (fsynced) first, then in memory.
    func record(_ run: PipelineRun) async throws(BatchServiceError) {
        let batchID = try checkedID(run.batchID)
        try await stored { () async throws(WorkspaceError) in try await stateStore.putRun(run, for: batchID) }
        state.withLock { $0.liveRuns[run.batchID] = run }
    }

    /// The result of a run that completed earlier, from what is on disk.
    private func completedResult(_ run: PipelineRun, _ batch: Batch) async -> Result<RunResult, BatchServiceError> {
        do throws(BatchServiceError) {
            let id = try checkedID(run.batchID)
            let download = try await localDownload(batch, id)
            let local = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(id) }
            let index = await BlockingThread.run("index.json") { BatchFolder.readJSON(ParseIndex.self, from: local + "/" + BatchFolder.indexFile) }
            return .success(RunResult(batch: batch, outputDirectory: artifactStore.location(of: id), run: run, download: download, index: index, reused: true))
        } catch {
            return .failure(error)
        }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OpenAIClient
import OutputParser
import SystemIO

// Retry by hand of one batch that ended (docs/ARCHITECTURE.md § Retrying a batch by hand): its failed and missing
// lines go into a new batch, submitted through the run path under a key of the batch and the attempt, and the new
// batch's results merge into the original's `docs/` and `index.json`.
extension BatchCoordinator {
    /// Submits again, now, the failed and missing lines of a batch that ended — the retryable ones (429, 408, 5xx,
    /// timeouts, `batch_expired`) and the missing ones, or every failed line with `all` — as attempt 2, 3, …, and
    /// returns once the retry's batch exists; the retry goes on in the background to its merge. The retry running
    /// for this batch (or one a stopped process left unfinished) is returned instead of a new one (`reused`).
    /// `notFound` for an unknown batch; `conflict` for a batch still running, a job's batch, or nothing to retry.
    public func startBatchRetry(id: String, all: Bool, pollInterval: Double? = nil) async throws(BatchServiceError) -> BatchRetry {
        let batchID = try checkedID(id)
        if let pollInterval, !(pollInterval.isFinite && pollInterval > 0 && pollInterval <= 3600) {
            throw BatchServiceError(.badRequest, "poll_interval must be a number of seconds above 0 and at most 3600.")
        }
        return try await batchRetries.gate.withKey(id) { () async throws(BatchServiceError) -> BatchRetry in
            let folder = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(batchID) }
            let record = await BlockingThread.run("retries.json") { BatchRetryRecord.read(in: folder) }
            if let running = batchRetries.running(id), let attempt = record?.attempt(running.attempt) {
                return await retryView(attempt, of: batchID, reused: true)
            }
            if let record, let last = record.attempts.last, !last.state.isSettled {
                // Left by a process that stopped: the same attempt, the same file, the same submission key.
                logger.notice("resuming a batch retry", metadata: ["batch_id": "\(id)", "attempt": "\(last.attempt)", "state": "\(last.state.rawValue)"])
                let going = try await launchRetry(last, of: batchID, folder: folder)
                return await retryView(going, of: batchID, reused: true)
            }
            let original = try await finishedBatch(batchID)
            // The original run's poll interval, unless asked.
            let earlierInterval = await runState(id: id)?.pollInterval
            let attempt = try await newRetry(of: original, batchID, folder: folder, record: record, all: all,
                                             pollInterval: pollInterval ?? earlierInterval ?? 5)
            let going = try await launchRetry(attempt, of: batchID, folder: folder)
            return await retryView(going, of: batchID, reused: false)
        }
    }

    /// `startBatchRetry`, then follows the retry to its merge and returns how it ended.
    public func retryBatch(id: String, all: Bool, pollInterval: Double? = nil) async throws(BatchServiceError) -> BatchRetry {
        let started = try await startBatchRetry(id: id, all: all, pollInterval: pollInterval)
        guard var ended = await waitForBatchRetry(id: id, attempt: started.attempt) else { return started }
        ended.reused = started.reused
        return ended
    }

    /// Awaits the retry of batch `id` running here, and returns retry `attempt` (the latest without it) as it stands.
    public func waitForBatchRetry(id: String, attempt: Int? = nil) async -> BatchRetry? {
        if let running = batchRetries.running(id) { await running.task.value }
        guard let batchID = try? checkedID(id), let folder = try? await artifactStore.materialise(batchID),
              let record = await BlockingThread.run("retries.json", { BatchRetryRecord.read(in: folder) }),
              let found = attempt.flatMap(record.attempt) ?? record.attempts.last else { return nil }
        return await retryView(found, of: batchID, reused: false)
    }

    // MARK: - Starting

    /// The original batch, checked: known, ended, not a job's and not a retry's own batch, no run of it going here.
    private func finishedBatch(_ batchID: BatchID) async throws(BatchServiceError) -> Batch {
        let id = batchID.rawValue
        let local = await stateStore.batch(batchID)
        var batch: Batch
        do {
            batch = try await fetch(batchID, creatingFolder: false)
        } catch where error.kind == .notFound {
            guard let local else {
                if await jobs.store.job(batchID) != nil {
                    throw BatchServiceError(.notFound, "\(id) is a job, not a batch: retry it with POST /jobs/\(id)/retry (batch-openai retry \(id)).")
                }
                throw BatchServiceError(.notFound, "No batch \(id) here.")
            }
            batch = local
        }
        guard local != nil else { throw BatchServiceError(.notFound, "Batch \(id) has no folder here: nothing of it was run or downloaded here.") }
        if let jobID = batch.metadata?["job_id"] {
            throw BatchServiceError(.conflict, "Batch \(id) belongs to job \(jobID): retry the job (POST /jobs/\(jobID)/retry).")
        }
        if let original = batch.metadata?[Self.retryOfKey] {
            throw BatchServiceError(.conflict, "Batch \(id) is a retry of batch \(original): retry \(original), whose documents it merged into.")
        }
        guard batch.status.isTerminal else {
            throw BatchServiceError(.conflict, "Batch \(id) is \(batch.status.rawValue); retry it once it ended.")
        }
        if state.withLock({ $0.drivers[id] }) != nil {
            throw BatchServiceError(.conflict, "The run of batch \(id) is still going; retry it once it ended.")
        }
        return batch
    }

    /// Chooses the lines, writes them to `retries/attempt<n>.jsonl` and records the attempt (before any create).
    private func newRetry(of original: Batch, _ batchID: BatchID, folder: String, record: BatchRetryRecord?, all: Bool,
                          pollInterval: Double) async throws(BatchServiceError) -> BatchRetryRecord.Attempt {
        let id = batchID.rawValue
        if !(await BlockingThread.run("stat") { Workspace.isRegularFile(folder + "/" + BatchFolder.indexFile) }) {
            // Not parsed yet (`--no-parse`, or results never downloaded): the selection reads the index.
            if Self.hasResults(original) {
                if await artifactStore.inventory(of: batchID) == nil { _ = try await download(id: id) }
                _ = try await parse(id: id, force: false, only: nil)
            } else {
                await ensureInput(of: original, batchID, in: BatchFolder(path: folder))
            }
        }
        var merged: [BatchRetryIndex.MergedAttempt] = []
        for earlier in record?.attempts ?? [] where earlier.state == .merged {
            guard let retryID = earlier.batchID, let checked = try? checkedID(retryID) else { continue }
            let retryFolder = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(checked) }
            merged.append(.init(attempt: earlier.attempt, batchID: retryID, folder: retryFolder))
        }
        let number = (record?.attempts.map(\.attempt).max() ?? 1) + 1, mergedAttempts = merged
        let file = BatchRetryRecord.folderName + "/attempt\(number).jsonl"
        let chosen = try await stored { () async throws(WorkspaceError) -> (BatchRetryIndex.Selection, Int)? in
            try await BlockingThread.run("retry lines") { () throws(WorkspaceError) -> (BatchRetryIndex.Selection, Int)? in
                let input = folder + "/" + BatchFolder.inputFile
                guard Workspace.isRegularFile(input) else { return nil }
                let selection: BatchRetryIndex.Selection
                if let indexed = try BatchRetryIndex.select(originalFolder: folder, merged: mergedAttempts, all: all) {
                    selection = indexed
                } else {
                    // Ended without any result file (never parsed): every line goes again.
                    selection = BatchRetryIndex.Selection(ids: try BatchRetryIndex.inputIDs(originalFolder: folder), failedForGood: 0)
                }
                guard !selection.ids.isEmpty else { return (selection, 0) }
                try JobMerge.makeDirectory(folder + "/" + BatchRetryRecord.folderName)
                return (selection, try RetrySelection.extract(selection.ids, from: input, to: folder + "/" + file))
            }
        }
        guard let (selection, count) = chosen else {
            throw BatchServiceError(.conflict, "Batch \(id) has no input.jsonl here (nor could it be fetched): its lines cannot be submitted again.")
        }
        guard count > 0 else {
            let forGood = selection.failedForGood > 0
                ? " \(selection.failedForGood) line(s) failed for good (a 4xx such as 400); retry with all (--all, \"all\": true) to submit them again."
                : ""
            throw BatchServiceError(.conflict, "Batch \(id) has no failed or missing line to retry." + forGood)
        }
        let attempt = BatchRetryRecord.Attempt(attempt: number, file: file, requests: count, all: all, batchID: nil, state: .submitting,
                                               failure: nil, pollInterval: pollInterval, startedAt: Self.unixNow())
        var updated = record ?? BatchRetryRecord(batchID: id, attempts: [])
        updated.update(attempt)
        try await storeRetries(updated, of: batchID, in: folder)
        logger.notice("batch retry", metadata: ["batch_id": "\(id)", "attempt": "\(number)", "requests": "\(count)", "all": "\(all)"])
        return attempt
    }

    /// Submits the attempt when its batch is not known yet, and starts the task that follows it to its merge.
    private func launchRetry(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, folder: String) async throws(BatchServiceError) -> BatchRetryRecord.Attempt {
        var attempt = attempt
        if attempt.state == .submitting {
            do {
                attempt.batchID = try await submitRetry(attempt, of: batchID, folder: folder)
            } catch where !error.isTransient && error.kind != .backendFailed && error.kind != .timedOut {
                // Refused (nothing was created): recorded as failed, so the next retry chooses its lines afresh.
                attempt.state = .failed
                attempt.failure = error.message
                try await updateRetry(attempt, of: batchID, in: folder)
                throw error
            }
            attempt.state = .running
            try await updateRetry(attempt, of: batchID, in: folder)
        }
        let settled = attempt
        let task = Task { [self] in
            await followRetry(settled, of: batchID, folder: folder)
            batchRetries.active.withLock { $0[batchID.rawValue] = nil }
        }
        batchRetries.active.withLock { $0[batchID.rawValue] = (attempt.attempt, task) }
        return attempt
    }

    /// The retry batch's submission: the attempt's file, keyed by the original batch and the attempt (job name
    /// `<batch_id>/retry/<n>`), so asking again after a crash or a lost answer reuses or adopts its batch.
    private func submitRetry(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, folder: String) async throws(BatchServiceError) -> String {
        let id = batchID.rawValue
        let original = await stateStore.batch(batchID)
        let source = folder + "/" + attempt.file
        // A second name for the file: submission moves what it is given into its staging folder.
        let link = folder + "/" + BatchRetryRecord.folderName + "/.submit-attempt\(attempt.attempt).jsonl"
        try await BlockingThread.run("link") { () throws(BatchServiceError) in
            unlink(link)
            guard Glibc.link(source, link) == 0 else { throw BatchServiceError(WorkspaceError.system("link", source, errno: errno)) }
        }
        let submission = SubmitRequest(
            input: .uploadedFile(path: link, filename: "\(id)-attempt\(attempt.attempt).jsonl"),
            jobName: "\(id)/retry/\(attempt.attempt)", endpoint: original?.endpoint,
            metadata: [Self.retryOfKey: id, Self.retryAttemptKey: String(attempt.attempt)]
        )
        let result: Result<String, BatchServiceError>
        do {
            result = .success(try await startRun(RunRequest(submission: submission, pollInterval: attempt.pollInterval, doParse: false)).batch.id)
        } catch {
            result = .failure(error)
        }
        await BlockingThread.run("unlink") { _ = unlink(link) }
        return try result.get()
    }

    /// Follows the retry batch's run to its end and merges its results; records how it ended.
    private func followRetry(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, folder: String) async {
        var attempt = attempt
        guard let retryID = attempt.batchID else { return }
        let ended = await followRun(retryID, pollInterval: attempt.pollInterval)
        if Task.isCancelled { return }
        do throws(BatchServiceError) {
            if ended?.phase == .completed {
                let totals = try await mergeRetry(attempt, of: batchID, folder: folder)
                attempt.state = .merged
                logger.info("batch retry merged", metadata: [
                    "batch_id": "\(batchID.rawValue)", "attempt": "\(attempt.attempt)", "retry_batch_id": "\(retryID)",
                    "succeeded": "\(totals.succeeded)", "failed": "\(totals.failed)", "missing": "\(totals.missing)",
                ])
            } else {
                let upstream = await stateStore.batch(try checkedID(retryID))
                attempt.state = .failed
                attempt.failure = "batch \(retryID) ended \(upstream?.status.rawValue ?? "unknown") without results to merge"
                    + (ended?.failure.map { ": \($0)" } ?? "")
                logger.warning("batch retry failed", metadata: ["batch_id": "\(batchID.rawValue)", "attempt": "\(attempt.attempt)", "failure": "\(attempt.failure ?? "")"])
            }
            try await updateRetry(attempt, of: batchID, in: folder)
        } catch {
            // Left as it was recorded: asking for the retry again carries it on.
            logger.error("batch retry could not be merged", metadata: ["batch_id": "\(batchID.rawValue)", "attempt": "\(attempt.attempt)", "error": "\(error.message)"])
        }
    }

    /// Parses the retry batch in its own folder, moves its documents into the original's `docs/` (rebuilding the
    /// `final.md` of every process it touched) and rewrites the original's `index.json` with every merged retry.
    private func mergeRetry(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, folder: String) async throws(BatchServiceError) -> BatchRetry.Totals {
        guard let retryID = attempt.batchID else { throw BatchServiceError(.internalError, "retry without a batch") }
        let checked = try checkedID(retryID)
        let index = try await parse(id: retryID, force: true, only: nil)
        let retryFolder = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(checked) }
        var merged: [BatchRetryIndex.MergedAttempt] = [.init(attempt: attempt.attempt, batchID: retryID, folder: retryFolder)]
        let record = await BlockingThread.run("retries.json") { BatchRetryRecord.read(in: folder) }
        for earlier in record?.attempts ?? [] where earlier.state == .merged && earlier.attempt != attempt.attempt {
            guard let earlierID = earlier.batchID, let id = try? checkedID(earlierID) else { continue }
            let earlierFolder = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(id) }
            merged.append(.init(attempt: earlier.attempt, batchID: earlierID, folder: earlierFolder))
        }
        let originalID = batchID.rawValue, attemptsMerged = merged
        let totals = try await parseGate.withKey(originalID) { () async throws(BatchServiceError) -> BatchRetry.Totals in
            try await stored { () async throws(WorkspaceError) -> BatchRetry.Totals in
                try await BlockingThread.run("merge retry") { () throws(WorkspaceError) -> BatchRetry.Totals in
                    _ = try JobMerge.merge(index, batchDocs: retryFolder + "/" + BatchFolder.docsFolder,
                                           jobDocs: folder + "/" + BatchFolder.docsFolder, label: originalID)
                    return try BatchRetryIndex.rewrite(originalID: originalID, originalFolder: folder, merged: attemptsMerged)
                }
            }
        }
        try await stored { () async throws(WorkspaceError) in
            try await artifactStore.persist([BatchFolder.docsFolder, BatchFolder.indexFile], of: batchID)
        }
        return totals
    }

    // MARK: - Record and view

    /// Metadata of a retry batch: the batch it retries, and its attempt.
    static let retryOfKey = "retry_of"
    static let retryAttemptKey = "retry_attempt"

    private func updateRetry(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, in folder: String) async throws(BatchServiceError) {
        var record = await BlockingThread.run("retries.json") { BatchRetryRecord.read(in: folder) } ?? BatchRetryRecord(batchID: batchID.rawValue, attempts: [])
        record.update(attempt)
        try await storeRetries(record, of: batchID, in: folder)
    }

    private func storeRetries(_ record: BatchRetryRecord, of batchID: BatchID, in folder: String) async throws(BatchServiceError) {
        try await stored { () async throws(WorkspaceError) in
            try await BlockingThread.run("retries.json") { () throws(WorkspaceError) in try record.write(in: folder) }
            try await artifactStore.persist([BatchRetryRecord.fileName], of: batchID)
        }
    }

    /// The view of one retry of `batchID`.
    func retryView(_ attempt: BatchRetryRecord.Attempt, of batchID: BatchID, reused: Bool) async -> BatchRetry {
        let location = artifactStore.location(of: batchID)
        var view = BatchRetry(
            retryOf: batchID.rawValue, attempt: attempt.attempt, requestCount: attempt.requests, all: attempt.all, state: attempt.state,
            failure: attempt.failure, docsDirectory: location + "/" + BatchFolder.docsFolder, indexFile: location + "/" + BatchFolder.indexFile,
            reused: reused
        )
        if let retryID = attempt.batchID, let checked = try? BatchID(retryID) {
            view.batch = await stateStore.batch(checked)
            view.phase = await runState(id: retryID)?.phase
            view.outputDirectory = artifactStore.location(of: checked)
            if let retryFolder = try? await artifactStore.materialise(checked) {
                view.usage = await BlockingThread.run("usage") { BatchFolder.readJSON(UsageReport.self, from: retryFolder + "/" + UsageFile.name) }
            }
        }
        if attempt.state == .merged, let folder = try? await artifactStore.materialise(batchID) {
            view.totals = await BlockingThread.run("index.json") { BatchRetryIndex.totals(originalFolder: folder) }
        }
        return view
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OpenAIClient
import OutputParser
import SystemIO

/// Drives one job to its end (docs/ARCHITECTURE.md § Jobs): a task per slot, each taking its tokens from the
/// shared enqueued-token ledger, submitting its part through the coordinator's run path (keyed by job, part and
/// attempt, so a crash or a lost answer adopts instead of creating twice), following the batch's run, and
/// merging its documents one batch at a time; then the job's `index.json`. Every step is recorded in
/// `job.json` first (`JobRecorder`). A cancelled driver (a shutdown) stops without recording anything more,
/// and `resumeRuns()` at the next start goes on from `job.json`.
struct JobDriver: Sendable {
    let coordinator: BatchCoordinator
    let recorder: JobRecorder
    let jobFolder: String

    private var registry: JobRegistry { coordinator.jobs }
    private var policy: JobRunPolicy { registry.policy }
    private var jobID: String { recorder.jobID }
    /// The job's own poll interval, else the policy's.
    private var pollInterval: Double { recorder.current.pollInterval ?? policy.pollInterval }

    /// Runs the job to its end and returns its final state (or the state it stopped in, when cancelled).
    func drive() async -> JobRun {
        // A process killed while writing here left temporary files that nothing else removes.
        await coordinator.removeLeftovers(of: recorder.current)
        // Batches already upstream when a job resumes hold their share of the budget until they end.
        for slot in recorder.current.runningSlots {
            let batch = recorder.current.batches[slot]
            await registry.ledger.hold(batch.inputTokens, model: batch.model)
        }
        await withTaskGroup(of: Int.self) { group in
            var driving: Set<Int> = []
            while !Task.isCancelled {
                let run = recorder.current
                for slot in run.batches.indices where !driving.contains(slot) && !run.batches[slot].state.isSettled {
                    driving.insert(slot)
                    group.addTask { await driveSlot(slot); return slot }
                }
                guard let done = await group.next() else { break }
                driving.remove(done)
            }
        }
        guard !Task.isCancelled else { return recorder.current }
        await finish()
        return recorder.current
    }

    // MARK: - One slot

    /// Takes a slot from where it is to settled (or until the driver is cancelled).
    private func driveSlot(_ slot: Int) async {
        var failures = 0
        while !Task.isCancelled {
            let batch = recorder.current.batches[slot]
            do throws(BatchServiceError) {
                switch batch.state {
                case .queued, .submitting: try await submit(slot, batch)
                case .running: try await follow(slot, batch)
                case .merging: try await merge(slot, batch)
                case .merged, .failed, .cancelled: return
                }
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                guard error.isTransient, failures < coordinator.policy.maxTransientFailures else {
                    coordinator.logger.error("job batch failed", metadata: [
                        "job_id": "\(jobID)", "part": "\(batch.part)", "attempt": "\(batch.attempt)", "error": "\(error.message)",
                    ])
                    // Submission gives its tokens back itself when it fails; a followed batch still holds them.
                    if recorder.current.batches[slot].state == .running { await release(batch) }
                    _ = try? await recorder.apply(.slotFailed(slot: slot, reason: error.message))
                    return
                }
                try? await BatchCoordinator.pause(.seconds(coordinator.policy.backoff(attempt: failures)))
            }
        }
    }

    /// Waits for the slot's turn (its back-off, then room in the budget), records that its create goes out,
    /// and submits it; the tokens stay held while its batch runs.
    private func submit(_ slot: Int, _ batch: JobBatch) async throws(BatchServiceError) {
        if batch.state == .queued, let notBefore = batch.notBefore {
            let wait = Double(notBefore) - Date().timeIntervalSince1970
            if wait > 0 { try await BatchCoordinator.pause(.seconds(wait)) }
        }
        let limit = recorder.current.plan.limits.enqueuedTokens.limit(for: batch.model)
        let deadline = Double(recorder.current.lastProgressAt) + policy.queueTimeout
        let left = max(0, deadline - Date().timeIntervalSince1970)
        let admitted = await registry.ledger.reserve(batch.inputTokens, model: batch.model, limit: limit, deadline: .now + .seconds(left))
        guard admitted else {
            try stopIfCancelled()
            let timedOut = try await timeOutUnlessRunning("waited \(Int(policy.queueTimeout)) s for room in the enqueued-token budget of \(batch.model ?? "its model")")
            // Another batch of the job still runs and may make room: look again after a while.
            if !timedOut { try await BatchCoordinator.pause(.seconds(pollInterval)) }
            return
        }
        do throws(BatchServiceError) {
            if batch.state == .queued {
                guard try await recorded(.submitting(slot: slot)) else {
                    await release(batch)
                    return
                }
            }
            let batchID = try await startBatch(batch)
            try await recorded(.submitted(slot: slot, batchID: batchID))
            if recorder.current.phase != .running {
                // The job was cancelled while this create was out: its batch goes too.
                _ = try? await coordinator.cancel(id: batchID)
            }
            coordinator.logger.info("job batch submitted", metadata: [
                "job_id": "\(jobID)", "part": "\(batch.part)", "attempt": "\(batch.attempt)", "batch_id": "\(batchID)",
                "requests": "\(batch.requestCount)", "input_tokens": "\(batch.inputTokens)",
            ])
        } catch {
            await release(batch)
            throw error
        }
    }

    /// Submits the slot's file through the coordinator's run path, keyed by (job, part, attempt): an earlier
    /// submission of the same key (a crash after the create) is reused and an unanswered one adopted.
    private func startBatch(_ batch: JobBatch) async throws(BatchServiceError) -> String {
        let run = recorder.current
        let source = jobFolder + "/" + batch.file
        // A second name for the file: submission moves what it is given into its staging folder.
        let link = jobFolder + "/.submit-\(batch.part)-\(batch.attempt).jsonl"
        try await BlockingThread.run("link") { () throws(BatchServiceError) in
            unlink(link)
            guard Glibc.link(source, link) == 0 else { throw BatchServiceError(WorkspaceError.system("link", source, errno: errno)) }
        }
        let submission = SubmitRequest(
            input: .uploadedFile(path: link, filename: "\(jobID)-part\(batch.part)-attempt\(batch.attempt).jsonl"),
            jobName: Self.submissionName(run, batch), endpoint: run.plan.endpoint,
            metadata: ["job_id": jobID, "job_part": String(batch.part), "job_attempt": String(batch.attempt)]
        )
        let request = RunRequest(submission: submission, pollInterval: pollInterval, timeout: nil, doParse: false)
        let result: Result<String, BatchServiceError>
        do {
            result = .success(try await coordinator.startRun(request).batch.id)
        } catch {
            result = .failure(error)
        }
        // Gone when submission moved it; left when it refused before.
        await BlockingThread.run("unlink") { _ = unlink(link) }
        return try result.get()
    }

    /// The submission key's job name of a slot: the job, its generation, the part and the attempt.
    static func submissionName(_ run: JobRun, _ batch: JobBatch) -> String {
        let generation = run.generation > 1 ? "/g\(run.generation)" : ""
        return "\(run.jobID)\(generation)/\(batch.part)/\(batch.attempt)"
    }

    /// Follows the slot's batch until its run ends: results downloaded → merge; `token_limit_exceeded` →
    /// queued again after a back-off; ended without a result file → merged as all missing.
    private func follow(_ slot: Int, _ batch: JobBatch) async throws(BatchServiceError) {
        guard let batchID = batch.batchID else {
            await release(batch)
            try await recorded(.slotFailed(slot: slot, reason: "no batch id was recorded"))
            return
        }
        let ended = await coordinator.followRun(batchID, pollInterval: pollInterval)
        try stopIfCancelled()
        let upstream = await coordinator.stateStore.batch(try coordinator.checkedID(batchID))
        if ended?.phase == .completed {
            await release(batch)
            try await recorded(.downloaded(slot: slot))
            return
        }
        guard let upstream, upstream.status.isTerminal, !BatchCoordinator.hasResults(upstream) else {
            // The run gave up on a step (the backend down past the retries): the batch goes on upstream, or its
            // results wait to be downloaded. Followed again after a back-off.
            var error = BatchServiceError(.backendFailed, "following batch \(batchID) stopped: \(ended?.failure ?? "unknown run")")
            error.isTransient = true
            throw error
        }
        await release(batch)
        let codes = upstream.errors?.data.map(\.code) ?? []
        if upstream.status == .failed, codes.contains("token_limit_exceeded") {
            let now = Int(Date().timeIntervalSince1970)
            let notBefore = now + Int(policy.backoff(batch.tokenLimited + 1).rounded(.up))
            coordinator.logger.notice("job batch refused for the enqueued-token limit; submitting it again later", metadata: [
                "job_id": "\(jobID)", "part": "\(batch.part)", "batch_id": "\(batchID)", "not_before": "\(notBefore)",
            ])
            try await recorded(.tokenLimited(slot: slot, notBefore: notBefore))
            if Double(notBefore) > Double(recorder.current.lastProgressAt) + policy.queueTimeout {
                _ = try await timeOutUnlessRunning("batches were refused with token_limit_exceeded for \(Int(policy.queueTimeout)) s")
            }
            return
        }
        if upstream.status != .failed {
            // Ended (completed, expired, cancelled) without a result file: every line is missing.
            try await recorded(.downloaded(slot: slot))
            return
        }
        let messages = upstream.errors?.data.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
        try await recorded(.slotFailed(slot: slot, reason: "batch \(batchID) ended \(upstream.status.rawValue)" + (messages.map { " (\($0))" } ?? "")))
    }

    /// Parses the slot's batch, moves its documents into the job's `docs/` and hands its retryable and missing
    /// lines to the next attempt, one batch at a time in the process.
    private func merge(_ slot: Int, _ batch: JobBatch) async throws(BatchServiceError) {
        guard let batchID = batch.batchID else { return }
        let id = try coordinator.checkedID(batchID)
        let jobFolder = jobFolder, label = jobID
        let outcome = try await registry.mergeGate.withKey("merge") { () async throws(BatchServiceError) -> (JobBatch.Counts, JobRun.RetryPart?) in
            let upstream = await coordinator.stateStore.batch(id)
            guard let upstream, BatchCoordinator.hasResults(upstream) else {
                // Expired or cancelled before anything ran: every line is missing, all of them retried.
                let whole = JobRun.RetryPart(part: batch.part, file: batch.file, requestCount: batch.requestCount, inputTokens: batch.inputTokens)
                return (JobBatch.Counts(missing: batch.requestCount), whole)
            }
            let index = try await coordinator.parse(id: batchID, force: true, only: nil)
            let folder = try await coordinator.stored { () async throws(WorkspaceError) in try await coordinator.artifactStore.materialise(id) }
            let retryFile = "retries/\(String(format: "%04d", batch.part))-attempt\(batch.attempt + 1).jsonl"
            let wantsRetry = batch.attempt < recorder.current.maxAttempts
            return try await coordinator.stored { () async throws(WorkspaceError) in
                try await BlockingThread.run("merge") { () throws(WorkspaceError) -> (JobBatch.Counts, JobRun.RetryPart?) in
                    let counts = try JobMerge.merge(index, batchDocs: folder + "/" + BatchFolder.docsFolder, jobDocs: jobFolder + "/" + BatchFolder.docsFolder, label: label)
                    guard wantsRetry else { return (counts, nil) }
                    let ids = try RetrySelection.ids(errorsFile: folder + "/" + BatchFolder.errorsFile, items: index.items, all: false)
                    guard !ids.isEmpty else { return (counts, nil) }
                    try JobMerge.makeDirectory(jobFolder + "/retries")
                    let count = try RetrySelection.extract(ids, from: folder + "/" + BatchFolder.inputFile, to: jobFolder + "/" + retryFile)
                    let tokens = batch.requestCount > 0 ? (batch.inputTokens * count + batch.requestCount - 1) / batch.requestCount : 0
                    return (counts, JobRun.RetryPart(part: batch.part, file: retryFile, requestCount: count, inputTokens: tokens))
                }
            }
        }
        let now = Int(Date().timeIntervalSince1970)
        let notBefore = now + Int(policy.backoff(batch.attempt).rounded(.up))
        try await recorded(.merged(slot: slot, counts: outcome.0, retry: outcome.1, now: now, notBefore: notBefore))
        coordinator.logger.info("job batch merged", metadata: [
            "job_id": "\(jobID)", "part": "\(batch.part)", "attempt": "\(batch.attempt)", "batch_id": "\(batchID)",
            "succeeded": "\(outcome.0.succeeded)", "failed": "\(outcome.0.failed)", "missing": "\(outcome.0.missing)",
            "retrying": "\(outcome.1?.requestCount ?? 0)",
        ])
    }

    // MARK: - The end

    /// Writes the job's `index.json` (and data files) and records how it ended.
    private func finish() async {
        do throws(BatchServiceError) {
            let run = recorder.current
            var folders: [String: String] = [:]
            for batch in run.batches where batch.state == .merged {
                guard let batchID = batch.batchID else { continue }
                let id = try coordinator.checkedID(batchID)
                folders[batchID] = try await coordinator.stored { () async throws(WorkspaceError) in try await coordinator.artifactStore.materialise(id) }
            }
            let writer = JobIndexWriter(run: run, jobFolder: jobFolder, batchFolders: folders)
            let totals = try await coordinator.stored { () async throws(WorkspaceError) in
                try await BlockingThread.run("job index") { () throws(WorkspaceError) in try writer.write() }
            }
            // Tokens and USD over every batch that ran, beside the job's index (each batch keeps its own too).
            let usage = try await coordinator.usage(ofBatches: run.batches.filter { $0.state == .merged }.compactMap(\.batchID))
            let usagePath = jobFolder + "/" + UsageFile.name
            try await coordinator.stored { () async throws(WorkspaceError) in
                try await BlockingThread.run("job usage") { () throws(WorkspaceError) in try BatchFolder.writeJSON(usage, to: usagePath) }
            }
            try await recorded(.finished)
            let ended = recorder.current
            coordinator.logger.log(level: ended.phase == .completed && totals.failed + totals.missing == 0 ? .info : .warning, "job ended", metadata: [
                "job_id": "\(jobID)", "phase": "\(ended.phase.rawValue)", "requests": "\(totals.requests)", "succeeded": "\(totals.succeeded)",
                "failed": "\(totals.failed)", "missing": "\(totals.missing)", "failure": "\(ended.failure ?? "")",
            ])
        } catch {
            coordinator.logger.error("job could not be finished", metadata: ["job_id": "\(jobID)", "error": "\(error.message)"])
        }
    }

    // MARK: - Helpers

    /// Fails the job for want of progress, unless one of its batches is running (it may yet make room).
    /// Whether the job failed.
    private func timeOutUnlessRunning(_ reason: String) async throws(BatchServiceError) -> Bool {
        guard recorder.current.runningSlots.isEmpty else { return false }
        return try await recorded(.timedOut(reason: "no progress: \(reason); the results of finished batches are kept"))
    }

    @discardableResult
    private func recorded(_ event: JobRun.Event) async throws(BatchServiceError) -> Bool {
        try await coordinator.stored { () async throws(WorkspaceError) in try await recorder.apply(event) }
    }

    private func release(_ batch: JobBatch) async {
        await registry.ledger.release(batch.inputTokens, model: batch.model)
    }

    private func stopIfCancelled() throws(BatchServiceError) {
        if Task.isCancelled { throw BatchServiceError(.internalError, "stopped") }
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif
import OpenAIClient
import OutputParser
import SystemIO

// Jobs: one input driven to one set of documents through as many batches as the limits need
// (docs/ARCHITECTURE.md § Jobs). The planner makes the `JobPlan` and its part files; these calls run it.
extension BatchCoordinator {
    /// Starts a job from its plan and the folder its part files were staged in (their `file`s are relative to
    /// it; they are moved into `outputs/<job_id>/`), and returns at once; the job runs in the background.
    /// The same plan id (the same input and job name) again returns the same job (`reused`), started again
    /// if it was stopped, unless `force`: then the job starts over with new batches (the earlier batches'
    /// folders stay).
    public func startJob(_ plan: JobPlan, partsFolder: String, force: Bool = false, pollInterval: Double? = nil) async throws(BatchServiceError) -> JobProgress {
        let id = try checkedID(plan.jobID)
        let earlier = await jobs.store.job(id)
        if let earlier, !force {
            discardParts(plan, in: partsFolder)
            if !earlier.phase.isTerminal { _ = try await launchJob(earlier) }
            return await progress(of: jobs.active.withLock { $0[plan.jobID]?.recorder.current } ?? earlier, reused: true)
        }
        if jobs.active.withLock({ $0[plan.jobID] }) != nil {
            throw BatchServiceError(.conflict, "Job \(plan.jobID) is running; cancel it before forcing it again.")
        }
        let folder = try await stored { () async throws(WorkspaceError) in try await jobs.store.materialise(id) }
        try await stored { () async throws(WorkspaceError) in
            try await BlockingThread.run("stage parts") { () throws(WorkspaceError) in
                try Self.stageParts(plan, from: partsFolder, into: folder, restarting: earlier != nil)
            }
        }
        var run = JobRun(plan: plan, maxAttempts: jobs.policy.maxAttempts, now: Self.unixNow(), generation: (earlier?.generation ?? 0) + 1)
        run.pollInterval = pollInterval
        try await stored { () async throws(WorkspaceError) in try await jobs.store.putJob(run) }
        logger.info("job started", metadata: [
            "job_id": "\(plan.jobID)", "parts": "\(plan.parts.count)", "requests": "\(plan.requestCount)", "generation": "\(run.generation)",
        ])
        _ = try await launchJob(run)
        return await progress(of: run)
    }

    /// Starts (or joins) a job and returns once it ended.
    public func runJob(_ plan: JobPlan, partsFolder: String, force: Bool = false) async throws(BatchServiceError) -> JobProgress {
        let started = try await startJob(plan, partsFolder: partsFolder, force: force)
        guard var ended = await waitForJob(id: plan.jobID) else { return started }
        ended.reused = started.reused
        return ended
    }

    /// A job as it stands; `notFound` for an unknown id.
    public func job(id: String) async throws(BatchServiceError) -> JobProgress {
        let jobID = try checkedID(id)
        if let live = jobs.active.withLock({ $0[id]?.recorder.current }) { return await progress(of: live) }
        guard let run = await jobs.store.job(jobID) else { throw BatchServiceError(.notFound, "No job \(id) here.") }
        return await progress(of: run)
    }

    /// Every job known here, newest first.
    public func listJobs() async -> [JobProgress] {
        var result: [JobProgress] = []
        for run in await jobs.store.jobs() {
            let live = jobs.active.withLock { $0[run.jobID]?.recorder.current }
            result.append(await progress(of: live ?? run))
        }
        return result
    }

    /// Awaits a job driven here and returns how it ended (`nil` for an unknown job).
    public func waitForJob(id: String) async -> JobProgress? {
        if let task = jobs.active.withLock({ $0[id]?.task }) { _ = await task.value }
        return try? await job(id: id)
    }

    /// Cancels a running job: nothing more is submitted and no line is retried; its batches upstream are
    /// cancelled, and what they finished is merged (by the process driving it; a job driven by none ends
    /// cancelled at the next start). `conflict` for a job that already ended.
    public func cancelJob(id: String) async throws(BatchServiceError) -> JobProgress {
        let current = try await job(id: id)
        guard !current.job.phase.isTerminal else {
            throw BatchServiceError(.conflict, "Job \(id) already ended \(current.job.phase.rawValue).")
        }
        var cancelled: JobRun
        if let recorder = jobs.active.withLock({ $0[id]?.recorder }) {
            _ = try await stored { () async throws(WorkspaceError) in try await recorder.apply(.cancel) }
            cancelled = recorder.current
        } else {
            // Driven by another process (the command line beside `serve`), or by none until the next start:
            // the cancel is recorded, and its batches upstream are cancelled, which ends them either way.
            cancelled = current.job
            cancelled.apply(.cancel)
            try await stored { () async throws(WorkspaceError) in try await jobs.store.putJob(cancelled) }
        }
        for slot in cancelled.runningSlots {
            guard let batchID = cancelled.batches[slot].batchID else { continue }
            do {
                _ = try await cancel(id: batchID)
            } catch {
                logger.warning("cancelling a job's batch failed", metadata: ["job_id": "\(id)", "batch_id": "\(batchID)", "error": "\(error.message)"])
            }
        }
        logger.notice("job cancelled", metadata: ["job_id": "\(id)"])
        return await progress(of: jobs.active.withLock({ $0[id]?.recorder.current }) ?? cancelled)
    }

    /// Submits again, now, the failed and missing lines of a job that ended: the retryable ones, or every
    /// failed line with `all`, and every line of a part that never ran. Results merge into the same `docs/`
    /// and `index.json`. `conflict` while the job runs or when nothing is left to retry.
    public func retryJob(id: String, all: Bool) async throws(BatchServiceError) -> JobProgress {
        let jobID = try checkedID(id)
        guard jobs.active.withLock({ $0[id] }) == nil, let run = await jobs.store.job(jobID) else {
            if jobs.active.withLock({ $0[id] }) != nil { throw BatchServiceError(.conflict, "Job \(id) is running; retry it once it ended.") }
            throw BatchServiceError(.notFound, "No job \(id) here.")
        }
        guard run.phase.isTerminal else { throw BatchServiceError(.conflict, "Job \(id) has not ended; it resumes at the next start.") }
        let folder = try await stored { () async throws(WorkspaceError) in try await jobs.store.materialise(jobID) }
        var retries: [JobRun.RetryPart] = []
        for part in run.plan.parts {
            if let retry = try await retryPart(part, of: run, jobFolder: folder, all: all) { retries.append(retry) }
        }
        guard !retries.isEmpty else { throw BatchServiceError(.conflict, "Job \(id) has no failed or missing line to retry.") }
        var updated = run
        updated.apply(.retry(retries, now: Self.unixNow()))
        try await stored { () async throws(WorkspaceError) in try await jobs.store.putJob(updated) }
        logger.notice("job retried", metadata: ["job_id": "\(id)", "parts": "\(retries.count)", "requests": "\(retries.map(\.requestCount).reduce(0, +))"])
        _ = try await launchJob(updated)
        return await progress(of: updated)
    }

    /// A file of a job by relative path (`index.json`, `docs/billing/final.md`, `job.json`): a file or a folder to
    /// list; `notFound` for an unknown job or path, `badRequest` for a path that leaves the job's folder.
    public func jobFile(id: String, path: String) async throws(BatchServiceError) -> ArtifactContent {
        let jobID = try checkedID(id)
        guard await jobs.store.job(jobID) != nil else { throw BatchServiceError(.notFound, "No job \(id) here.") }
        // A job's folder is laid out like a batch's: the artifact store reads it by the same rules.
        return try await stored { () async throws(WorkspaceError) in try await artifactStore.read(path, of: jobID) }
    }

    /// Goes on with every job that did not end (called by `resumeRuns()`, after the batches' runs resumed).
    func resumeJobs() async {
        for run in await jobs.store.jobs() where !run.phase.isTerminal {
            logger.notice("resuming job", metadata: ["job_id": "\(run.jobID)", "phase": "\(run.phase.rawValue)"])
            var resumed = run
            resumed.resumed(now: Self.unixNow())
            do {
                _ = try await launchJob(resumed)
            } catch {
                logger.error("job could not be resumed", metadata: ["job_id": "\(run.jobID)", "error": "\(error.message)"])
            }
        }
    }

    /// Removes the temporary files of writes a killed process cut short in a job (`JobLeftovers`). Called by the
    /// job's driver before it does anything, when it is the only one writing there: a resumed job, whether `serve`
    /// resumes it at start or the same `run` picks it up again.
    func removeLeftovers(of run: JobRun) async {
        guard let id = try? BatchID(run.jobID), let folder = try? await jobs.store.materialise(id) else { return }
        var batchFolders: [String] = []
        for batch in run.batches where batch.state == .merging {
            guard let batchID = batch.batchID.flatMap({ try? BatchID($0) }),
                  let batchFolder = try? await artifactStore.materialise(batchID) else { continue }
            batchFolders.append(batchFolder)
        }
        let removed = await BlockingThread.run("job leftovers") { [batchFolders] in JobLeftovers.remove(jobFolder: folder, batchFolders: batchFolders) }
        if removed > 0 {
            logger.notice("removed temporary files a stopped process left", metadata: ["job_id": "\(run.jobID)", "files": "\(removed)"])
        }
    }

    /// Stops driving jobs (a shutdown) without recording anything more; they resume at the next start. Returns
    /// their tasks to await once the batches' runs they follow are stopped too.
    func cancelJobs() -> [Task<JobRun, Never>] {
        let tasks = jobs.active.withLock { $0.values.map(\.task) }
        for task in tasks { task.cancel() }
        return tasks
    }

    /// Follows the run of a job's batch to its end: the run driven here, or, when none is (its run had
    /// stopped on a failed step), a new one from where the batch is.
    func followRun(_ id: String, pollInterval: Double) async -> PipelineRun? {
        guard let batchID = try? checkedID(id) else { return nil }
        var run = await runState(id: id)
        if run == nil || run?.phase == .failed, state.withLock({ $0.drivers[id] }) == nil {
            let fresh = PipelineRun(batchID: id, jobName: run?.jobName, doParse: false, pollInterval: pollInterval)
            if (try? await stateStore.putRun(fresh, for: batchID)) != nil { run = fresh }
        }
        guard let run else { return nil }
        if !run.phase.isTerminal { _ = startDriver(run, timeout: nil) }
        return await waitForRun(id: id)
    }

    // MARK: - Internals

    /// The driver of `run`: the one going here, or a new one.
    private func launchJob(_ run: JobRun) async throws(BatchServiceError) -> Task<JobRun, Never> {
        let id = try checkedID(run.jobID)
        let folder = try await stored { () async throws(WorkspaceError) in try await jobs.store.materialise(id) }
        return jobs.active.withLock { active in
            if let going = active[run.jobID] { return going.task }
            let recorder = JobRecorder(run, registry: jobs)
            let driver = JobDriver(coordinator: self, recorder: recorder, jobFolder: folder)
            let task = Task { [self] in
                let ended = await driver.drive()
                jobs.active.withLock { $0[run.jobID] = nil }
                return ended
            }
            active[run.jobID] = ActiveJob(task: task, recorder: recorder)
            return task
        }
    }

    /// The lines of `part` a retry by hand submits: those of its latest merged attempt that failed (retryable,
    /// or all) or went missing; the whole part when it never ran to results.
    private func retryPart(_ part: JobPart, of run: JobRun, jobFolder: String, all: Bool) async throws(BatchServiceError) -> JobRun.RetryPart? {
        let slots = run.batches.filter { $0.part == part.index }.sorted { $0.attempt < $1.attempt }
        guard let latest = slots.last(where: { $0.state == .merged }), let batchID = latest.batchID else {
            return JobRun.RetryPart(part: part.index, file: part.file, requestCount: part.requestCount, inputTokens: part.inputTokens)
        }
        let id = try checkedID(batchID)
        let folder = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(id) }
        let attempt = (slots.map(\.attempt).max() ?? 1) + 1
        let file = "retries/\(String(format: "%04d", part.index))-attempt\(attempt).jsonl"
        return try await stored { () async throws(WorkspaceError) in
            try await BlockingThread.run("retry lines") { () throws(WorkspaceError) -> JobRun.RetryPart? in
                var failed: [ParseIndex.Item] = []
                let indexed = ParseIndex.forEachItem(inIndexAt: folder + "/" + BatchFolder.indexFile) { item in
                    if item.status == .missing || item.status == .error { failed.append(item) }
                }
                guard indexed else {
                    // Never parsed (it ended without results): all of its lines.
                    return JobRun.RetryPart(part: part.index, file: latest.file, requestCount: latest.requestCount, inputTokens: latest.inputTokens)
                }
                let ids = try RetrySelection.ids(errorsFile: folder + "/" + BatchFolder.errorsFile, items: failed, all: all)
                guard !ids.isEmpty else { return nil }
                try JobMerge.makeDirectory(jobFolder + "/retries")
                let count = try RetrySelection.extract(ids, from: folder + "/" + BatchFolder.inputFile, to: jobFolder + "/" + file)
                let tokens = latest.requestCount > 0 ? (latest.inputTokens * count + latest.requestCount - 1) / latest.requestCount : 0
                return JobRun.RetryPart(part: part.index, file: file, requestCount: count, inputTokens: tokens)
            }
        }
    }

    /// The view of a job, with the latest stored state of each of its batches.
    private func progress(of run: JobRun, reused: Bool = false) async -> JobProgress {
        var stored: [String: Batch] = [:]
        for batch in run.batches {
            guard let batchID = batch.batchID, let id = try? BatchID(batchID) else { continue }
            if let upstream = await stateStore.batch(id) { stored[batchID] = upstream }
        }
        let location = (try? BatchID(run.jobID)).map { artifactStore.location(of: $0) } ?? run.jobID
        var progress = JobProgress(job: run, outputDirectory: location, batches: stored, reused: reused)
        if run.phase.isTerminal, let id = try? BatchID(run.jobID), let folder = try? await jobs.store.materialise(id) {
            progress.usage = await BlockingThread.run("job usage") { BatchFolder.readJSON(UsageReport.self, from: folder + "/" + UsageFile.name) }
        }
        return progress
    }

    /// Moves the part files into the job's folder (a rename; they are the planner's, staged for this job).
    /// A forced restart clears the earlier run's `docs/`, `index.json` and retry files first.
    static func stageParts(_ plan: JobPlan, from source: String, into folder: String, restarting: Bool) throws(WorkspaceError) {
        if restarting {
            for name in [BatchFolder.docsFolder, BatchFolder.indexFile, "retries"] {
                try? FileManager.default.removeItem(atPath: folder + "/" + name)
            }
        }
        guard source != folder else { return }
        for part in plan.parts {
            let target = folder + "/" + part.file
            if let slash = part.file.lastIndex(of: "/") {
                try JobMerge.makeDirectory(folder + "/" + part.file[..<slash], parents: true)
            }
            if rename(source + "/" + part.file, target) != 0 {
                let failure = errno
                if failure == ENOENT, access(target, F_OK) == 0 { continue }
                throw .system("rename", source + "/" + part.file, errno: failure)
            }
        }
    }

    /// Drops part files staged for a job that already exists (the same input again), unless they were staged
    /// in the job's own folder.
    private func discardParts(_ plan: JobPlan, in source: String) {
        guard source != workspace.outputsDirectory + "/" + plan.jobID else { return }
        for part in plan.parts { unlink(source + "/" + part.file) }
    }

    static func unixNow() -> Int { Int(Date().timeIntervalSince1970) }
}

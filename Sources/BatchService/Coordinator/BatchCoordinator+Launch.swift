import BatchCore
import OpenAIClient

/// How a run was started: as one batch (an input that fits one, exactly as before jobs existed) or as a job
/// of several batches.
public enum StartedRun: Sendable {
    /// One batch: its submission.
    case batch(SubmitResult)
    /// A job of more than one batch, as it stands once started.
    case job(JobProgress)
}

/// How a run ended: one batch's run, or a job's.
public enum FinishedRun: Sendable {
    /// One batch's run.
    case batch(RunResult)
    /// A job of more than one batch.
    case job(JobProgress)
}

extension BatchCoordinator {
    /// Plans the run's input under `limits` and starts it: an input that fits one batch is submitted as that
    /// batch (its part is the batch's `input.jsonl`), a bigger one starts a job (docs/ARCHITECTURE.md § Jobs).
    /// Returns once the batch or the job exists; either goes on in the background.
    public func startRunOrJob(_ request: RunRequest, limits: JobLimits) async throws(BatchServiceError) -> StartedRun {
        let staged = try await affordablePlan(request, limits: limits)
        guard staged.plan.parts.count > 1 else {
            let single = singleBatchRequest(request, staged)
            do {
                let result = try await startRun(single)
                await discardPlan(staged)
                return .batch(result)
            } catch {
                await discardPlan(staged)
                throw error
            }
        }
        do {
            let progress = try await startJob(staged.plan, partsFolder: staged.folder, force: request.submission.force,
                                              pollInterval: request.pollInterval)
            await discardPlan(staged)
            return .job(progress)
        } catch {
            await discardPlan(staged)
            throw error
        }
    }

    /// `startRunOrJob`, then follows the batch's run or the job to its end.
    public func runOrJob(_ request: RunRequest, limits: JobLimits) async throws(BatchServiceError) -> FinishedRun {
        let staged = try await affordablePlan(request, limits: limits)
        guard staged.plan.parts.count > 1 else {
            let single = singleBatchRequest(request, staged)
            do {
                let result = try await run(single)
                await discardPlan(staged)
                return .batch(result)
            } catch {
                await discardPlan(staged)
                throw error
            }
        }
        let progress: JobProgress
        do {
            progress = try await startJob(staged.plan, partsFolder: staged.folder, force: request.submission.force,
                                              pollInterval: request.pollInterval)
        } catch {
            await discardPlan(staged)
            throw error
        }
        await discardPlan(staged)
        guard var ended = await waitForJob(id: progress.job.jobID) else { return .job(progress) }
        ended.reused = progress.reused
        return .job(ended)
    }

    /// The prices runs are estimated and costed with.
    public var prices: PriceTable { usageLedger.prices }

    /// Plans the run's input; with `maxCostUSD`, a plan whose upper cost estimate is over it (or unbounded) is
    /// discarded and refused (`badRequest`, naming the estimate) before anything is uploaded.
    private func affordablePlan(_ request: RunRequest, limits: JobLimits) async throws(BatchServiceError) -> StagedPlan {
        let staged = try await plan(request.submission.input, jobName: request.submission.jobName,
                                    endpoint: request.submission.endpoint, limits: limits, counter: tokenCounter)
        if let maxCost = request.maxCostUSD, let reason = CostEstimate(plan: staged.plan, prices: prices).overBudget(maxCostUSD: maxCost) {
            await discardPlan(staged)
            logger.notice("run refused by its maximum cost", metadata: ["job_id": "\(staged.plan.jobID)", "reason": "\(reason)"])
            throw BatchServiceError(.badRequest, reason + " Nothing was uploaded.")
        }
        return staged
    }

    /// The run of the only part of a plan: the part's file (already checked, and written in the staging
    /// folder of `outputs/`) becomes the batch's input, moved rather than copied.
    private func singleBatchRequest(_ request: RunRequest, _ staged: StagedPlan) -> RunRequest {
        var single = request
        if let part = staged.plan.parts.first {
            single.submission.input = .uploadedFile(path: staged.path(of: part), filename: Self.filename(of: request.submission.input))
        }
        return single
    }

    /// The name the client gave its input, for the upload's label: the JSONL inside a `.jsonl.gz` (the part
    /// holds the inflated lines, and the Batch API takes only `.jsonl` names).
    private static func filename(of input: SubmissionInput) -> String {
        let name: String
        switch input {
        case .path(let path): name = path
        case .upload(let upload): name = upload.filename
        case .uploadedFile(_, let filename): name = filename
        case .lines, .spec: name = "input.jsonl"
        }
        return name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
    }
}

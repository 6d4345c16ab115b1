import BatchCore
import Logging
import SystemIO

/// A job's plan with its parts written: `<folder>/parts/0000.jsonl`, … The folder is a hidden staging folder
/// of `outputs/` owned by this process (`StagingOwner`): a crash leaves it to the next sweep, which removes
/// it. The job driver publishes it as `outputs/<job_id>` or `discardPlan` removes it.
public struct StagedPlan: Sendable {
    /// The plan.
    public let plan: JobPlan
    /// The staging folder, absolute; each part's `file` is relative to it.
    public let folder: String

    /// The absolute path of `part`'s request file.
    public func path(of part: JobPart) -> String {
        folder + "/" + part.file
    }
}

extension BatchCoordinator {
    /// The counter of a coordinator given none: the conservative estimate (no vocabulary loaded).
    public static var defaultTokenCounter: any RequestTokenCounting { RequestTokenCounter() }

    /// Plans a job from `input` and writes its parts into a fresh staging folder (docs/ARCHITECTURE.md § Jobs):
    /// one pass on a thread of its own that validates every line across the whole input, counts tokens with
    /// `counter`, and cuts the lines, grouped by model and in input order, within `limits`. A refusal
    /// (`invalidInput` listing every bad line, `tooLarge` past `limits.maxJobBytes`, `badRequest` for limits out
    /// of range) leaves nothing behind and nothing is uploaded.
    public func plan(_ input: SubmissionInput, jobName: String?, endpoint: String? = nil, limits: JobLimits,
                     counter: (any RequestTokenCounting)? = nil) async throws(BatchServiceError) -> StagedPlan {
        _ = try limits.checked()
        let outputs = workspace.outputsDirectory
        let staging: StagingFolder
        do {
            staging = try await BlockingThread.run("stage") { () throws(WorkspaceError) in try StagingFolder.create(in: outputs) }
        } catch {
            throw BatchServiceError(error)
        }
        let planner = JobPlanner(workspace: workspace, limits: limits, counter: counter ?? tokenCounter, expectedEndpoint: endpoint)
        do {
            let plan = try await BlockingThread.run("plan") { () throws(BatchServiceError) in
                try planner.plan(input, jobName: jobName, folder: staging.path)
            }
            logger.info("job planned", metadata: [
                "job_id": "\(plan.jobID)", "requests": "\(plan.requestCount)", "bytes": "\(plan.byteCount)", "parts": "\(plan.parts.count)",
            ])
            return StagedPlan(plan: plan, folder: staging.path)
        } catch {
            await discardPlan(at: staging.path)
            logger.notice("job input refused", metadata: ["reason": "\(error.message)", "issues": "\(error.issueCount)"])
            throw error
        }
    }

    /// The plan of `input` without writing anything (`--dry-run`, `"dry_run": true`): the same pass as `plan`,
    /// with no part files (so no part hashes: `sha256` is empty); no file is made and the backend is not called.
    public func dryRunPlan(_ input: SubmissionInput, jobName: String?, endpoint: String? = nil, limits: JobLimits,
                           counter: (any RequestTokenCounting)? = nil) async throws(BatchServiceError) -> JobPlan {
        let planner = JobPlanner(workspace: workspace, limits: limits, counter: counter ?? tokenCounter, expectedEndpoint: endpoint)
        return try await BlockingThread.run("plan") { () throws(BatchServiceError) in
            try planner.plan(input, jobName: jobName, folder: nil)
        }
    }

    /// Removes a staged plan that will not run (its parts and folder) and this process's claim on it.
    public func discardPlan(_ staged: StagedPlan) async {
        await discardPlan(at: staged.folder)
    }

    private func discardPlan(at path: String) async {
        let staging = StagingFolder(path: path)
        await BlockingThread.run("discard") {
            staging.discard()
            staging.unclaim()
        }
    }
}

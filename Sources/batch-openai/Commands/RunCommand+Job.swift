import BatchService
import Foundation

// Following a job: an input of more than one batch, driven by this process through all of them.
extension RunCommand {
    /// Follows the job this process started until it ends, with one progress display for all its batches,
    /// then reports where the documents are. Throws (exit 1) unless every request ended done.
    func followJob(_ started: JobProgress, coordinator: BatchCoordinator, progress: ProgressDisplay,
                   elapsed: () -> Double) async throws {
        let id = started.job.jobID
        let say = { (line: String) in if !json { progress.note(line) } }
        let plan = started.job.plan
        if started.reused {
            say("Following job \(id), made earlier from the same input and job name (--force starts it anew).")
        } else {
            say("Job \(id): \(plan.requestCount) requests in \(plan.parts.count) batches; results go to \(started.outputDirectory)")
        }
        let notice = InterruptNotice(message: "Stopped following job \(id); its batches go on on the server. "
            + "The same `run` command (without --force) picks the job up again, and so does `batch-openai serve`.")
        var ended = try await JobFollower(coordinator: coordinator, progress: progress, pollInterval: pollInterval, timeout: timeout,
                                    showBatches: batches && !json)
            .follow(id, elapsed: elapsed)
        withExtendedLifetime(notice) {}
        ended.reused = started.reused
        if json {
            try JSONOutput.print(ended)
        } else {
            JobLines.detail(ended).forEach(say)
            say("  docs:  \(ended.outputDirectory)/docs")
            say("  index: \(ended.outputDirectory)/index.json")
        }
        let totals = ended.totals
        guard ended.job.phase == .completed, totals.failed == 0, totals.missing == 0 else {
            throw CommandFailure("job \(id) ended \(ended.job.phase.rawValue)\(ended.job.failure.map { " (\($0))" } ?? ""): "
                + "\(totals.failed) failed and \(totals.missing) missing requests are listed in \(ended.outputDirectory)/index.json")
        }
    }
}

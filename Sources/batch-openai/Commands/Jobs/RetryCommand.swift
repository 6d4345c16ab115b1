import ArgumentParser
import BatchService

/// `batch-openai retry ID`: `POST /jobs/{id}/retry` in the terminal, followed to the job's end.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Submit again the failed and missing lines of a job that ended, and follow it to its end.",
        discussion: """
        Lines that failed with a retryable error (429, 5xx, timeouts, batch_expired) and lines missing from \
        both result files go into new batches (the next attempt); --all adds the lines that failed for good \
        (a 400). Results merge into the job's docs/ and index.json, which says which attempt produced each \
        document. Ctrl-C stops following; the batches go on, and serve (or this command again) picks them up.

        Examples:
          batch-openai retry job_3f2a…
          batch-openai retry job_3f2a… --all --json | jq .failed

        Exit status: 0 the job ended (its phase says how); 1 failure (unknown job, a job still running, \
        nothing to retry); 2 usage.
        """
    )

    @Argument(help: ArgumentHelp("The job id, e.g. job_3f2a9c….", valueName: "job_id"))
    var id: String

    @Flag(help: "Retry the lines that failed for good too.")
    var all = false

    @OptionGroup var options: JobsOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "job_id")
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: options.common, outputs: options.outputs, label: "batch-openai.retry")
        let started = try await steps.step("retry job \(id)") { try await $0.retryJob(id: id, all: all) }
        if !options.json {
            Console.out("🔁 Retrying \(started.totals.pending) lines of job \(id) …")
        }
        let ended = await steps.coordinator.waitForJob(id: id) ?? started
        if options.json {
            try JSONOutput.print(ended)
            return
        }
        JobLines.detail(ended).forEach(Console.out)
    }
}

/// How a job reads in the terminal.
enum JobLines {
    /// One line: id, phase and totals.
    static func summary(_ job: JobProgress) -> String {
        let totals = job.totals
        return "\(job.job.jobID)  \(job.job.phase.rawValue)  \(totals.succeeded)/\(totals.requests) done, "
            + "\(totals.failed) failed, \(totals.missing) missing, \(totals.pending) pending  (\(job.batches.count) batches)"
    }

    /// The summary, the failure, the folder and a line per batch.
    static func detail(_ job: JobProgress) -> [String] {
        var lines = [summary(job)]
        if let failure = job.job.failure { lines.append("  failure: \(failure)") }
        lines.append("  folder: \(job.outputDirectory)")
        for row in job.batches {
            var line = "  part \(row.part) attempt \(row.attempt): \(row.state.rawValue)"
            if let batchID = row.batchID { line += "  \(batchID) \(row.batchStatus ?? "")" }
            line += "  \(row.requestCount) requests"
            if let failure = row.failure { line += "  (\(failure))" }
            lines.append(line)
        }
        return lines
    }
}

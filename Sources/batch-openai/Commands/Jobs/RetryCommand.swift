import ArgumentParser
import BatchService

/// `batch-openai retry ID`: `POST /jobs/{id}/retry` (a job id, `job_…`) or `POST /batches/{id}/retry` (a batch id)
/// in the terminal, followed to the end.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Submit again the failed and missing lines of a batch or a job that ended, and follow it to its end.",
        discussion: """
        Lines that failed with a retryable error (429, 408, 5xx, timeouts, batch_expired) and lines missing \
        from both result files go into a new batch (the next attempt: 2, 3, …); --all adds the lines that \
        failed for good (a 400). Results merge into the same docs/ and index.json, which says which attempt \
        (and batch) produced each document; final.md files are rebuilt.

        A batch id retries that batch: the new batch keeps its own outputs/<new_batch_id>/ (metadata \
        retry_of, retry_attempt) without docs/, and outputs/<batch_id>/retries.json records every attempt. \
        Asked again while it runs, or after a crash, the same retry is followed (never a second batch). \
        A job id (job_…) retries the job's batches. Ctrl-C stops following; the batches go on, and serve \
        (or this command again) picks them up.

        Examples:
          batch-openai retry batch_abc123
          batch-openai retry batch_abc123 --all --json | jq .failed
          batch-openai retry job_3f2a…

        Exit status: 0 the retry ended (its state or phase says how); 1 failure (unknown id, a batch or job \
        still running, nothing to retry); 2 usage.
        """
    )

    @Argument(help: ArgumentHelp("A batch id (batch_abc123) or a job id (job_3f2a9c…).", valueName: "id"))
    var id: String

    @Flag(help: "Retry the lines that failed for good too.")
    var all = false

    @OptionGroup var options: JobsOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "id")
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: options.common, outputs: options.outputs, label: "batch-openai.retry")
        guard id.hasPrefix("job_") else { return try await retryBatch(steps) }
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

    /// A single batch: its failed and missing lines as a new batch, followed to its merge.
    private func retryBatch(_ steps: StepCoordinator) async throws {
        let started = try await steps.step("retry batch \(id)") { try await $0.startBatchRetry(id: id, all: all) }
        if !options.json {
            let batch = started.batch.map { " as batch \($0.id)" } ?? ""
            Console.out("🔁 Retrying \(started.requestCount) lines of batch \(id) (attempt \(started.attempt))\(batch)\(started.reused ? ", already going" : "") …")
        }
        var ended = await steps.coordinator.waitForBatchRetry(id: id, attempt: started.attempt) ?? started
        ended.reused = started.reused
        if options.json {
            try JSONOutput.print(ended)
            return
        }
        RetryLines.detail(ended).forEach(Console.out)
        if ended.state == .failed { throw CommandFailure("the retry of batch \(id) failed: \(ended.failure ?? "unknown reason")") }
    }
}

/// How a retry of one batch reads in the terminal.
enum RetryLines {
    static func detail(_ retry: BatchRetry) -> [String] {
        var lines = ["\(retry.retryOf) attempt \(retry.attempt): \(retry.state.rawValue)  \(retry.requestCount) lines"
            + (retry.batch.map { "  batch \($0.id) \($0.status.rawValue)" } ?? "")]
        if let failure = retry.failure { lines.append("  failure: \(failure)") }
        if let totals = retry.totals {
            lines.append("  \(totals.succeeded)/\(totals.requests) done, \(totals.failed) failed, \(totals.missing) missing")
        }
        if let usage = retry.usage { lines += UsageLines.lines(usage) }
        lines.append("  docs: \(retry.docsDirectory)")
        lines.append("  index: \(retry.indexFile)")
        return lines
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
        // Tokens and USD per model and in total ("price unknown" for a model without a price), as --json has them.
        if let usage = job.usage { lines += UsageLines.lines(usage) }
        return lines
    }
}

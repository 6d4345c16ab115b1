import ArgumentParser
import BatchCore
import BatchService
import Foundation
import OpenAIClient
import SystemIO

/// `batch-openai run`: the whole pipeline from the terminal — validate, upload, create, follow the batch
/// with a live progress display, download the results and write the documents under `outputs/<batch_id>/`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a JSONL file of requests through the Batch API and write one document per result.",
        discussion: """
        Checks the file against the Batch API's rules (every bad line is \
        reported with its number), uploads it, creates the batch, follows \
        it to the end with a progress display (a bar on a terminal, a line \
        per change otherwise), downloads the results and parses them into \
        documents (see parse --help for how they are named):

          outputs/<batch_id>/
            batch.json  input.jsonl  output.jsonl  errors.jsonl
            docs/       index.json   run.json     submission.json
            usage.json

        After the download it prints the tokens (input, cached, output, \
        reasoning) and USD per model at Batch API prices, from usage.json \
        (the committed price table, or BATCH_OPENAI_PRICES; a model without \
        a price shows "price unknown").

        A file bigger than one batch (over --max-batch-lines requests or \
        --max-batch-bytes, several models, or more tokens than a model's \
        --enqueued-tokens) runs as a job: as many batches as it takes, one \
        progress display, and one outputs/<job_id>/ with docs/, index.json, \
        usage.json and job.json; `jobs get` shows each batch.

        A .jsonl.gz is inflated first (at most BATCH_OPENAI_MAX_JOB_BYTES, \
        10 GB by default) into a hidden file of the outputs folder; the \
        .gz itself is left as it is.

        Each step is recorded in run.json, so a run cut short (Ctrl-C, \
        --timeout, a crash) loses nothing: the batch goes on on the server, \
        and the same command again follows the batch made the first time \
        (same input and --job-name) instead of paying for a second one, \
        then downloads and parses; a run killed while the batch was being \
        created finds that batch (by the submission token in its metadata) \
        instead of making another, and the next run removes what the \
        killed one staged in the outputs folder. --force submits anew.

        Examples:
          batch-openai run inputs/sample_input.jsonl --job-name sample
          batch-openai run inputs/payloads/sample.jsonl --timeout 3600
          batch-openai run big.jsonl --no-parse --outputs /data/outputs
          batch-openai run inputs/requests.jsonl.gz --job-name nightly
          batch-openai run inputs/sample_input.jsonl --json | jq .docs_dir
          batch-openai run big.jsonl --dry-run --max-batch-lines 1000

        --dry-run reads the whole file once and prints how it would be cut \
        into batches: one model per batch, in input order, each within \
        --max-batch-lines, --max-batch-bytes and its model's \
        --enqueued-tokens limit (a line is never cut; custom_ids must be \
        unique in the whole file). Every bad line is listed with its \
        number. Nothing is uploaded, nothing is kept and the backend is \
        not called, so it needs no key and no network.

        Against the local simulator (no key needed, no cost):
          batch-openai sim --port 8100 &
          export OPENAI_BASE_URL=http://127.0.0.1:8100/v1
          batch-openai run inputs/sample_input.jsonl --poll-interval 1

        Exit status: 0 the batch completed and its documents are written; \
        1 failure (invalid input, the batch failed, expired or was \
        cancelled, --timeout passed, the backend refused); 2 usage.
        """
    )

    @Argument(help: ArgumentHelp("The JSONL file of requests (.jsonl, or .jsonl.gz: inflated first).", valueName: "input.jsonl"))
    var input: String

    @Option(help: ArgumentHelp("A name for the job, kept in the batch's metadata (job_name).", valueName: "name"))
    var jobName: String?

    @Flag(name: .customLong("no-parse"), help: "Download the results but do not write documents.")
    var noParse = false

    @Option(help: ArgumentHelp("Seconds between status checks.", valueName: "seconds"))
    var pollInterval: Double = 5

    @Option(help: ArgumentHelp("Stop following after this many seconds (the batch goes on; default: until it ends).", valueName: "seconds"))
    var timeout: Double?

    @Option(help: ArgumentHelp("The outputs folder (default: BATCH_OPENAI_OUTPUTS, else ./outputs).", valueName: "dir"))
    var outputs: String?

    @Option(help: ArgumentHelp("The completion window.", valueName: "window"))
    var completionWindow: String = "24h"

    @Option(help: ArgumentHelp("Extra metadata for the batch, key=value (repeatable).", valueName: "key=value"))
    var metadata: [String] = []

    @Flag(help: "Submit even if the same input and job name already made a batch.")
    var force = false

    @Flag(help: "Print the result (batch, output_dir, docs_dir, counts, usage) as JSON; progress goes to stderr.")
    var json = false

    @Flag(help: "While a job (an input of more than one batch) runs, print a line per batch under the total each time one moves (state, status, requests done and failed).")
    var batches = false

    @Flag(help: "Print the plan (batches with their requests, bytes, model, input tokens and output-token ceiling; totals per model) and stop: nothing is uploaded and the backend is never called.")
    var dryRun = false

    @Option(help: ArgumentHelp("Most requests in one batch, 1 to 50000 (default: BATCH_OPENAI_MAX_BATCH_LINES, else 50000).", valueName: "n"))
    var maxBatchLines: Int?

    @Option(help: ArgumentHelp("Largest batch file in bytes, 1 to 209715200 (default: BATCH_OPENAI_MAX_BATCH_BYTES, else 200 MB).", valueName: "bytes"))
    var maxBatchBytes: Int64?

    @Option(help: ArgumentHelp("Enqueued-token limit per model: model=N,... and/or one N for every model (default: BATCH_OPENAI_ENQUEUED_TOKENS).", valueName: "spec"))
    var enqueuedTokens: String?

    @Option(help: ArgumentHelp("Refuse to submit (exit 1, nothing uploaded) when the plan's upper cost estimate at batch rates is over this many US dollars, or cannot be bounded (a model without a price, requests without max_tokens).", valueName: "usd"))
    var maxCost: Double?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try validatePlanOptions()
        guard pollInterval.isFinite, pollInterval >= 0.05, pollInterval <= 3600 else {
            throw ValidationError("--poll-interval \(pollInterval): expected seconds between 0.05 and 3600")
        }
        if let timeout, !(timeout.isFinite && timeout > 0) {
            throw ValidationError("--timeout \(timeout): expected a positive number of seconds")
        }
        guard completionWindow == "24h" else {
            throw ValidationError("--completion-window \(completionWindow): the Batch API offers only 24h")
        }
        if let jobName, jobName.isEmpty || jobName.count > 512 {
            throw ValidationError("--job-name: expected 1 to 512 characters")
        }
        _ = try MetadataOption.parse(metadata)
    }

    func run() async throws {
        if dryRun { return try await printPlan() }
        let started = ContinuousClock.now
        let elapsed = { () -> Double in (ContinuousClock.now - started).inSeconds }
        let connection = try BackendConnection.make(common: common, label: "batch-openai.run")
        let coordinator = try await connection.settings.coordinator(backend: connection.backend, workspace: try workspace(connection), logger: connection.logger)
        let progress = ProgressDisplay(toStandardError: json)
        let say = { (line: String) in if !json { progress.note(line) } }

        // What an earlier run killed mid-submission left (its staging folder, its copies) goes first.
        await coordinator.sweepStaging()
        let limits = try jobLimits(connection.settings)
        let staged = try await RunInput.stage(input, workspace: coordinator.workspace, maxInflatedBytes: limits.maxJobBytes)
        defer { staged.cleanUp() }
        let inflated = staged.inflated != nil ? " (inflated)" : ""
        say("Checking and submitting \(input)\(inflated) to \(BackendFailure.redacted(connection.settings.openAIBaseURL)) …")
        let submitted: SubmitResult
        switch try await start(staged, coordinator: coordinator, limits: limits) {
        case .batch(let result): submitted = result
        case .job(let job): return try await followJob(job, coordinator: coordinator, progress: progress, elapsed: elapsed)
        }
        let id = submitted.batch.id
        if submitted.reused {
            say("Following batch \(id), made earlier from the same input and job name (--force submits anew).")
        } else {
            say("Batch \(id) created (input file \(submitted.batch.inputFileID), \(submitted.requestCount) request\(submitted.requestCount == 1 ? "" : "s")); results go to \(submitted.outputDirectory)")
        }

        let notice = InterruptNotice(message: "Stopped following batch \(id); it goes on on the server. "
            + "`batch-openai get --id \(id)` shows it; the same `run` command (without --force) follows it again and writes the documents.")
        let folder = RunFolder(path: submitted.outputDirectory)
        let run = try await follow(id: id, first: submitted.batch, folder: folder, coordinator: coordinator, progress: progress, elapsed: elapsed)
        withExtendedLifetime(notice) {}

        let batch = folder.batch() ?? submitted.batch
        say("Batch \(id) \(batch.status.rawValue) after \(ProgressDisplay.clock(elapsed())): \(BatchSummary.counts(batch))")
        for error in batch.errors?.data ?? [] {
            progress.note("  \(BatchSummary.describe(error))")
        }
        var report = report(of: run, batch: batch, submitted: submitted, folder: folder, say: say)
        if report.outputFile != nil || report.errorsFile != nil {
            report.usage = try? await coordinator.usage(id: id)
            for line in report.usage.map(UsageLines.lines) ?? [] { say(line) }
        }
        if json { try JSONOutput.print(report) }
        guard report.succeeded else {
            if batch.status.isTerminal, batch.status != .completed {
                let downloaded = report.outputFile != nil || report.errorsFile != nil
                let partial = downloaded ? " (the results it has are downloaded\(noParse ? "" : " and parsed"))" : ""
                throw CommandFailure("batch \(id) ended \(batch.status.rawValue)\(partial)")
            }
            throw CommandFailure("the run of batch \(id) failed: \(run.failure ?? "it stopped in phase \(run.phase.rawValue)")")
        }
    }

    /// The outputs and inputs folders, from `--outputs` or the settings.
    private func workspace(_ connection: BackendConnection) throws -> Workspace {
        do {
            return try Workspace(outputs: outputs ?? connection.settings.outputsDirectory, inputs: connection.settings.inputsDirectory)
        } catch {
            throw CommandFailure("cannot use the outputs/inputs folders: \(error)")
        }
    }

    /// Starts a durable run: the coordinator drives submit → wait → download → parse and records each step in
    /// outputs/<batch_id>/run.json, so a run cut short (Ctrl-C, --timeout, a crash) is picked up again by
    /// `serve` or by this same command. This process only watches it.
    private func start(_ staged: RunInput, coordinator: BatchCoordinator, limits: JobLimits) async throws -> StartedRun {
        let submission = SubmitRequest(
            input: staged.submission, jobName: jobName, completionWindow: completionWindow,
            metadata: try MetadataOption.parse(metadata) ?? [:], force: force
        )
        let request = RunRequest(submission: submission, pollInterval: pollInterval, timeout: nil, doParse: !noParse, maxCostUSD: maxCost)
        do {
            return try await coordinator.startRunOrJob(request, limits: limits)
        } catch {
            throw Self.failure(error, action: "submitting \(input)", file: input)
        }
    }

    /// What the run left: its files and documents, said on the way.
    private func report(of run: PipelineRun, batch: Batch, submitted: SubmitResult, folder: RunFolder,
                        say: (String) -> Void) -> RunReport {
        var report = RunReport(
            batch: batch, outputDirectory: submitted.outputDirectory, requestCount: submitted.requestCount,
            reused: submitted.reused, succeeded: false
        )
        report.outputFile = folder.existing("output.jsonl")
        report.errorsFile = folder.existing("errors.jsonl")
        let files = [report.outputFile, report.errorsFile].compactMap { $0 }
        if !files.isEmpty { say("Downloaded " + files.joined(separator: " and ")) }
        if let counts = batch.requestCounts, batch.status.isTerminal, counts.total > counts.completed + counts.failed {
            say("  \(counts.total - counts.completed - counts.failed) of \(counts.total) requests never ran")
        }
        if !noParse, run.phase == .completed, let index = folder.index() {
            report.docsDirectory = index.docsDirectory
            report.indexFile = folder.path + "/index.json"
            report.processed = index.processed
            report.skipped = index.skipped
            report.failed = index.failed
            report.finals = index.finals
            say("Documents: \(index.processed) written, \(index.skipped) already there, \(index.failed) failed results")
            say("  docs:  \(index.docsDirectory)")
            say("  index: \(folder.path)/index.json")
            for final in index.finals { say("  final: docs/\(final)") }
        }
        report.succeeded = run.phase == .completed && batch.status == .completed
        return report
    }
}

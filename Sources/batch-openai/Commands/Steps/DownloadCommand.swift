import ArgumentParser
import BatchAPI
import BatchService

/// `batch-openai download ID`: `POST /batches/{id}/download` in the terminal: the result files on disk.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download an ended batch's output.jsonl and errors.jsonl into its outputs folder.",
        discussion: """
        Writes <outputs>/<batch_id>/output.jsonl and errors.jsonl (when the \
        batch has them) and batch.json, and reports every input custom_id \
        that has no result line. A batch has results once it is completed, \
        or expired or cancelled with partial results; before that nothing \
        is downloaded (see wait). Downloading again rewrites the same bytes. \
        It also writes usage.json and prints the tokens and USD per model at \
        Batch API prices ("price unknown" for a model without one; \
        BATCH_OPENAI_PRICES replaces the committed price table). \
        Then `batch-openai parse <batch_id>` writes the documents.

        Examples:
          batch-openai download batch_abc123
          batch-openai download batch_abc123 --json | jq .output_file

        Exit status: 0 downloaded; 1 failure (no results yet, unknown id, \
        the backend unreachable); 2 usage.
        """
    )

    @Argument(help: ArgumentHelp("The batch id, e.g. batch_abc123.", valueName: "batch_id"))
    var id: String

    @Option(help: ArgumentHelp("The outputs folder (default: BATCH_OPENAI_OUTPUTS, else ./outputs).", valueName: "dir"))
    var outputs: String?

    @Flag(help: "Print what was written (batch_id, status, request_counts, output_file, errors_file, missing_custom_ids, usage) as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "batch_id")
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: common, outputs: outputs, label: "batch-openai.download")
        let result = try await steps.step("download batch \(id)") { try await $0.download(id: id) }
        if json {
            try JSONOutput.print(DownloadResponse(result: result))
            return
        }
        let summary = BatchSummary(style: .forStandardOutput)
        Console.out(summary.heading("📥", "Batch \(result.batch.id) (\(result.batch.status.rawValue)) downloaded: \(BatchSummary.counts(result.batch))"))
        if let output = result.outputFile { Console.out("  output:  \(output)") }
        if let errors = result.errorsFile { Console.out("  errors:  \(errors)") }
        let missing = result.missingCustomIDs
        if !missing.isEmpty {
            let shown = missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
            Console.out("  missing: \(missing.count) custom_id\(missing.count == 1 ? "" : "s") without a result (\(shown))")
        }
        for line in result.usage.map(UsageLines.lines) ?? [] { Console.out(line) }
        Console.out(summary.heading("➡️", "Next: batch-openai parse \(result.batch.id)"))
    }
}

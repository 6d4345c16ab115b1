import ArgumentParser
import BatchService
import OpenAIClient

/// `batch-openai wait ID`: `POST /batches/{id}/wait` in the terminal: follow a batch to its end.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Follow a batch until it ends (completed, failed, expired or cancelled); keep its batch.json.",
        discussion: """
        The step-by-step flow of the REST API, in the terminal: create (or \
        POST /batches), wait, download, parse. Polls the batch every \
        --poll-interval seconds and writes the latest Batch object to \
        <outputs>/<batch_id>/batch.json each time; prints the batch once it \
        has ended (--log-level info shows each change on the way). Ctrl-C \
        stops waiting; the batch goes on.

        Examples:
          batch-openai wait batch_abc123
          batch-openai wait batch_abc123 --poll-interval 30 --timeout 3600
          batch-openai wait batch_abc123 --json | jq -r .status

        Exit status: 0 the batch ended (its status says how: a failed batch \
        is still an ended wait); 1 failure (unknown id, the backend \
        unreachable, --timeout reached while it goes on); 2 usage.
        """
    )

    @Argument(help: ArgumentHelp("The batch id, e.g. batch_abc123.", valueName: "batch_id"))
    var id: String

    @Option(help: ArgumentHelp("Seconds between status checks (0.01-3600).", valueName: "seconds"))
    var pollInterval: Double = 5

    @Option(help: ArgumentHelp("Stop waiting after this many seconds (the batch goes on; default: until it ends).", valueName: "seconds"))
    var timeout: Double?

    @Option(help: ArgumentHelp("The outputs folder (default: BATCH_OPENAI_OUTPUTS, else ./outputs).", valueName: "dir"))
    var outputs: String?

    @Flag(help: "Print the ended Batch object as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try BatchIDOption.check(id, option: "batch_id")
        guard (0.01...3600).contains(pollInterval) else {
            throw ValidationError("--poll-interval \(pollInterval): expected seconds from 0.01 to 3600")
        }
        if let timeout, !(timeout.isFinite && timeout >= 0) {
            throw ValidationError("--timeout \(timeout): expected a number of seconds, 0 or more")
        }
    }

    func run() async throws {
        let steps = try await StepCoordinator.make(common: common, outputs: outputs, label: "batch-openai.wait")
        let summary = BatchSummary(style: .forStandardOutput)
        if !json {
            Console.out(summary.heading("⏳", "Waiting for batch \(id) (a check every \(pollInterval) s) …"))
        }
        let notice = InterruptNotice(message: "Stopped waiting for batch \(id); it goes on on the server. "
            + "`batch-openai wait \(id)` follows it again.")
        let batch = try await steps.step("wait for batch \(id)") { try await $0.wait(id: id, pollInterval: pollInterval, timeout: timeout) }
        withExtendedLifetime(notice) {}
        if json {
            try JSONOutput.print(batch)
            return
        }
        Console.out(summary.heading(batch.status == .completed ? "✅" : "🏁", "Batch \(batch.id) ended \(batch.status.rawValue)."))
        summary.detailLines(batch).forEach(Console.out)
        if batch.outputFileID != nil || batch.errorFileID != nil {
            Console.out(summary.heading("➡️", "Next: batch-openai download \(batch.id)"))
        }
    }
}

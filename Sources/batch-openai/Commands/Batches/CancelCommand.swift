import ArgumentParser

/// `batch-openai cancel`: the Go example's `-action cancel`.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a batch; requests already done keep their results.",
        discussion: """
        The batch goes to cancelling while in-flight requests drain, then \
        to cancelled; the results of the requests that finished are in its \
        output file (see get). A batch that has already ended cannot be \
        cancelled: the backend answers with an error (exit status 1).

        Examples:
          batch-openai cancel --id batch_abc123
          batch-openai cancel --id batch_abc123 --json | jq -r .status

        Exit status: 0 cancel accepted; 1 failure (unknown id, batch \
        already over); 2 usage (no --id).
        """
    )

    @Option(help: ArgumentHelp("The batch id, e.g. batch_abc123.", valueName: "batch_id"))
    var id: String

    @Flag(help: "Print the Batch object as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try BatchIDOption.check(id)
    }

    func run() async throws {
        let connection = try BackendConnection.make(common: common, label: "batch-openai.cancel")
        let batch = try await connection.call("cancel batch \(id)") { try await $0.cancelBatch(id: id) }
        if json {
            try JSONOutput.print(batch)
            return
        }
        let summary = BatchSummary(style: .forStandardOutput)
        Console.out(summary.heading("🛑", "Cancel requested."))
        summary.detailLines(batch).forEach(Console.out)
    }
}

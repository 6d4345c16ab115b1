import ArgumentParser

/// `batch-openai get`: the Go example's `-action get`: one batch's details.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show a batch: status, request counts, files and times.",
        discussion: """
        Prints the batch's id, endpoint, creation time (ISO-8601, UTC), \
        status, input file, request counts (total, ok, failed), output and \
        error files, completion window and the time it reached each state.

        Examples:
          batch-openai get --id batch_abc123
          batch-openai get --id batch_abc123 --json | jq .request_counts

        Exit status: 0 found; 1 failure (an unknown id is HTTP 404, the \
        backend unreachable); 2 usage (no --id).
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
        let connection = try BackendConnection.make(common: common, label: "batch-openai.get")
        let batch = try await connection.call("get batch \(id)") { try await $0.retrieveBatch(id: id) }
        if json {
            try JSONOutput.print(batch)
            return
        }
        let summary = BatchSummary(style: .forStandardOutput)
        Console.out(summary.heading("🔎", "Batch \(batch.id)"))
        summary.detailLines(batch).forEach(Console.out)
    }
}

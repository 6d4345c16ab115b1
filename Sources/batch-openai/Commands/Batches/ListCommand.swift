import ArgumentParser

/// `batch-openai list`: the Go example's `-action list`: a page of batches, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List batches, newest first, a page at a time.",
        discussion: """
        Prints up to --limit batches (1-100, default 5), numbered, each with \
        its status, creation time and request counts, then its output file, \
        window and completion time when set. When more follow, the last \
        line is the command for the next page (--after <last id>).

        Examples:
          batch-openai list
          batch-openai list --limit 10 --after batch_abc123
          batch-openai list --limit 100 --json | jq -r '.data[].id'

        Exit status: 0 listed; 1 failure (the backend refused or is \
        unreachable); 2 usage (--limit out of range).
        """
    )

    @Option(help: ArgumentHelp("How many batches, 1-100.", valueName: "n"))
    var limit: Int = 5

    @Option(help: ArgumentHelp("Start after this batch id (the last id of the previous page).", valueName: "batch_id"))
    var after: String?

    @Flag(help: "Print the page ({data, first_id, last_id, has_more}) as JSON.")
    var json = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard (1...100).contains(limit) else {
            throw ValidationError("--limit \(limit): expected a number of batches from 1 to 100")
        }
        if let after { try BatchIDOption.check(after, option: "--after") }
    }

    func run() async throws {
        let connection = try BackendConnection.make(common: common, label: "batch-openai.list")
        let page = try await connection.call("list batches") { try await $0.listBatches(after: after, limit: limit) }
        if json {
            try JSONOutput.print(page)
            return
        }
        let summary = BatchSummary(style: .forStandardOutput)
        Console.out(summary.heading("📃", "Listing up to \(limit) batches (after=\(after ?? ""))."))
        if page.data.isEmpty { Console.out("No batches\(after == nil ? "" : " after \(after ?? "")").") }
        for (index, batch) in page.data.enumerated() {
            if index > 0 { Console.out("") }
            summary.listEntry(batch, number: index + 1).forEach(Console.out)
        }
        if page.hasMore, let last = page.lastID ?? page.data.last?.id {
            Console.out("")
            Console.out(summary.heading("➡️", "More batches: batch-openai list --limit \(limit) --after \(last)"))
        }
    }
}

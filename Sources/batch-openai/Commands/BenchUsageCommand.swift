import ArgumentParser
import BatchService
import SystemIO

/// `batch-openai bench-usage FILE`: the timed step of `scripts/bench/usage.sh`, a `UsageTally` over a result
/// file, printing `key=value` figures and the process's peak RSS beside a plain line-by-line read of the same
/// file. Hidden from `--help`: it is a measuring instrument, not a feature.
struct BenchUsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-usage",
        abstract: "Time the usage tally of a result file against a plain line-by-line read.",
        shouldDisplay: false
    )

    @Argument(help: ArgumentHelp("A result file (output.jsonl).", valueName: "output.jsonl"))
    var file: String

    func run() async throws {
        let path = file
        let figures = try await BlockingThread.run("bench-usage") { () throws -> (Duration, Duration, Int, UsageTally) in
            let clock = ContinuousClock()
            var lines = 0
            let read = try clock.measure {
                let reader = try LineReader(path: path)
                while try reader.next() != nil { lines += 1 }
            }
            var tally = UsageTally()
            let tallied = try clock.measure { tally = try UsageTally.tally(file: path) }
            return (read, tallied, lines, tally)
        }
        let total = figures.3.total
        print("lines=\(figures.2)")
        print("requests=\(total.requests)")
        print("input_tokens=\(total.input)")
        print("output_tokens=\(total.output)")
        print("read_seconds=\(BenchTransferCommand.format(figures.0))")
        print("tally_seconds=\(BenchTransferCommand.format(figures.1))")
        print("vmhwm_kb=\(BenchTransferCommand.peakResidentKilobytes())")
    }
}

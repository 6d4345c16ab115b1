import ArgumentParser
import BatchCore
import Foundation
import JSON

/// `batch-openai validate FILE`: the Batch API's input rules, checked locally before anything is uploaded.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a JSONL request file against the Batch API's rules, with line numbers.",
        discussion: """
        One JSON object per line; a unique, non-empty custom_id; method POST; one url for the whole file, a \
        supported endpoint; a body with a model (one model per file) and no "stream": true; at most 50,000 \
        lines and 200 MB. Every bad line is reported. Exit code 0 when the file is valid, 1 when it is not.

        A .jsonl.gz is inflated into a temporary file first (refused past 200 MB inflated) and the JSONL \
        inside is checked: line numbers are those of the inflated lines.

        Examples:
          batch-openai validate inputs/sample_input.jsonl
          batch-openai validate inputs/requests.jsonl.gz --json
        """
    )

    @Argument(help: "The JSONL file to check (.jsonl, or .jsonl.gz: inflated first).") var file: String

    @Option(help: ArgumentHelp("The batch's endpoint every line must use (default: the first line's url).", valueName: "path"))
    var endpoint: String?

    @Flag(help: "Print the report as JSON.") var json = false

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.settings()
        let gzipped = GzipInput.isGzipped(file)
        let checked = gzipped ? try await GzipInput.inflateToTemporary(file, in: NSTemporaryDirectory(), prefix: "batch-openai-validate-") : file
        defer { if gzipped { try? FileManager.default.removeItem(atPath: checked) } }
        let report = try InputFileCheck.validate(path: checked, expectedEndpoint: endpoint)
        if json {
            print(Self.json(report, file: file))
        } else if report.isValid {
            print("\(file): valid — \(report.requestCount) requests to \(report.endpoint ?? "?") with \(report.model ?? "no model"), \(report.byteCount) bytes\(gzipped ? " inflated" : "")")
        } else {
            InputFileCheck.issueLines(report.issues, total: report.issueCount, file: file).forEach { print($0) }
        }
        if !report.isValid { throw ExitCode.failure }
    }

    private static func json(_ report: InputValidationReport, file: String) -> String {
        let issues = report.issues.map { issue in
            "{\"code\":\(JSONWriter.quote(issue.code)),\"line\":\(issue.line.map(String.init) ?? "null"),"
                + "\"message\":\(JSONWriter.quote(issue.message)),\"param\":\(issue.param.map(JSONWriter.quote) ?? "null")}"
        }
        return "{\"file\":\(JSONWriter.quote(file)),\"valid\":\(report.isValid),\"requests\":\(report.requestCount),"
            + "\"bytes\":\(report.byteCount),\"endpoint\":\(report.endpoint.map(JSONWriter.quote) ?? "null"),"
            + "\"model\":\(report.model.map(JSONWriter.quote) ?? "null"),\"issue_count\":\(report.issueCount),"
            + "\"issues\":[\(issues.joined(separator: ","))]}"
    }
}

/// A failure to report on stderr with exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import BatchCore
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Runs BatchCore's `InputValidator` over a file on disk, streaming (1 MiB at a time), so a 200 MB input
/// is checked in bounded memory before anything is uploaded.
enum InputFileCheck {
    /// The validator's verdict; a file that cannot be read is a `CommandFailure` naming it.
    static func validate(path: String, expectedEndpoint: String? = nil) throws -> InputValidationReport {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CommandFailure("\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var validator = InputValidator(expectedEndpoint: expectedEndpoint)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count: Int
            do {
                count = try SystemCall.read(descriptor, into: buffer, path: path)
            } catch {
                throw CommandFailure("\(path): \(String(cString: strerror(error.errno)))")
            }
            if count == 0 { break }
            validator.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return validator.finish()
    }

    /// The report's issues as `file:line: code: message` lines, the way compilers and `validate` print them.
    static func issueLines(_ issues: [ValidationIssue], total: Int, file: String) -> [String] {
        var lines = issues.map { issue in
            "\(file):\(issue.line.map(String.init) ?? "-"): \(issue.code): \(issue.message)"
        }
        if total > issues.count { lines.append("… and \(total - issues.count) more") }
        return lines
    }

    /// Prints the issues on stderr and returns the failure that ends the command (exit code 1).
    static func rejection(_ report: InputValidationReport, file: String) -> CommandFailure {
        rejection(report.issues, total: report.issueCount, file: file)
    }

    /// The same for issues found elsewhere (a run's plan); `kind` names what the file was checked as.
    static func rejection(_ issues: [ValidationIssue], total: Int, file: String, kind: String = "batch input",
                          ending: String = "; nothing was uploaded") -> CommandFailure {
        for line in issueLines(issues, total: total, file: file) { Console.error(line) }
        let problems = total == 1 ? "1 problem" : "\(total) problems"
        return CommandFailure("\(file) is not a valid \(kind) (\(problems), listed above)\(ending)")
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Why a parse run failed as a whole (single bad lines become `error` items instead).
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case noResults(batchDirectory: String)
        case system(call: String, path: String, errno: Int32)
        case lineTooLong(file: String, line: Int, limit: Int)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// Neither `output.jsonl` nor `errors.jsonl` exists: the batch was not downloaded.
    public static func noResults(batchDirectory: String) -> ParseError {
        ParseError(.noResults(batchDirectory: batchDirectory))
    }

    /// A system call failed on `path`.
    public static func system(_ call: String, path: String, errno: Int32) -> ParseError {
        ParseError(.system(call: call, path: path, errno: errno))
    }

    /// A line is longer than the reader's limit.
    public static func lineTooLong(file: String, line: Int, limit: Int) -> ParseError {
        ParseError(.lineTooLong(file: file, line: line, limit: limit))
    }

    /// True when the batch has no result files (the service maps it to 404).
    public var isMissingResults: Bool {
        if case .noResults = kind { return true }
        return false
    }

    /// What failed, where, and why.
    public var description: String {
        switch kind {
        case let .noResults(directory):
            return "no output.jsonl or errors.jsonl in \(directory): download the batch's results first"
        case let .system(call, path, code):
            return "\(call) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .lineTooLong(file, line, limit):
            return "\(file) line \(line) is longer than \(limit) bytes"
        }
    }
}

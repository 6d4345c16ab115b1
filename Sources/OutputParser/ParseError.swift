#if canImport(Glibc)
import Glibc
#endif

/// Why a parse run failed as a whole (single bad lines become `error` items instead).
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case noResults(batchDirectory: String)
        case system(call: String, path: String, errno: Int32)
        case lineTooLong(file: String, line: Int, limit: Int)
        case unknownIDs([String])
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

    /// Ids given in `only` that the batch does not have (in neither its input nor its result files).
    public static func unknownIDs(_ ids: [String]) -> ParseError {
        ParseError(.unknownIDs(ids))
    }

    /// For `unknownIDs`: the ids, sorted; nil for other errors.
    public var unknownIDs: [String]? {
        if case let .unknownIDs(ids) = kind { return ids }
        return nil
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
        case let .unknownIDs(ids):
            let shown = ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
            let more = ids.count > 10 ? " and \(ids.count - 10) more" : ""
            return "unknown custom_id in only: \(shown)\(more) (neither input.jsonl, output.jsonl nor errors.jsonl has \(ids.count == 1 ? "it" : "them"))"
        }
    }
}

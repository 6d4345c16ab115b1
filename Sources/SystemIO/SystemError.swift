import Glibc

/// An error of the system layer: a failed call (with its name, the path if any, and `errno`), or a
/// line longer than the reader's limit.
///
/// A struct around a private enum so that new cases can be added without breaking callers that
/// `switch`; callers compare against the static members or read the accessors instead.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case call(name: String, path: String?, errno: Int32)
        case lineTooLong(path: String, line: Int, limit: Int)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// The system call `name` failed with `errno`, on `path` when it concerns one.
    public static func call(_ name: String, path: String? = nil, errno: Int32) -> SystemError {
        SystemError(.call(name: name, path: path, errno: errno))
    }

    /// Line `line` (1-based) of `path` is longer than `limit` bytes.
    public static func lineTooLong(path: String, line: Int, limit: Int) -> SystemError {
        SystemError(.lineTooLong(path: path, line: line, limit: limit))
    }

    /// The failed call's name (`open`, `write` …), or `read` for a line that is too long.
    public var call: String {
        switch kind {
        case .call(let name, _, _): return name
        case .lineTooLong: return "read"
        }
    }

    /// The path the failed call concerned, if any.
    public var path: String? {
        switch kind {
        case .call(_, let path, _): return path
        case .lineTooLong(let path, _, _): return path
        }
    }

    /// The `errno` of a failed call; `EFBIG` for a line that is too long, so callers that only
    /// forward an errno still say something true.
    public var errno: Int32 {
        switch kind {
        case .call(_, _, let code): return code
        case .lineTooLong: return EFBIG
        }
    }

    /// The line number and limit when this error is a line that is too long.
    public var lineTooLong: (line: Int, limit: Int)? {
        if case .lineTooLong(_, let line, let limit) = kind { return (line, limit) }
        return nil
    }

    /// Names what failed and why, e.g. `open /x/y failed: errno 2 (No such file or directory)`.
    public var description: String {
        switch kind {
        case .call(let name, let path, let code):
            let target = path.map { " " + $0 } ?? ""
            return "\(name)\(target) failed: errno \(code) (\(String(cString: strerror(code))))"
        case .lineTooLong(let path, let line, let limit):
            return "\(path):\(line): line longer than \(limit) bytes"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// An error of the socket and readiness layer.
///
/// A struct around a private enum so that new cases can be added without breaking
/// callers that `switch`; callers compare against the static members instead.
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case timedOut
        case closed
        case connectionReset
        case busy
        case invalidAddress(String)
        case system(call: String, errno: Int32)
    }

    private let kind: Kind

    private init(_ kind: Kind) {
        self.kind = kind
    }

    /// A deadline passed while waiting for readiness.
    public static let timedOut = TransportError(.timedOut)

    /// The socket or the event loop was closed or shut down.
    public static let closed = TransportError(.closed)

    /// The peer reset the connection (`ECONNRESET`) or it is gone for writing (`EPIPE`).
    public static let connectionReset = TransportError(.connectionReset)

    /// Another task already waits for the same direction of the same socket: at most one
    /// reader and one writer may use a socket at a time.
    public static let busy = TransportError(.busy)

    /// A host string that is neither a numeric IPv4/IPv6 address nor `localhost`.
    public static func invalidAddress(_ host: String) -> TransportError {
        TransportError(.invalidAddress(host))
    }

    /// A system call failed with `errno`.
    public static func system(_ call: String, errno: Int32) -> TransportError {
        TransportError(.system(call: call, errno: errno))
    }

    /// Whether this error is a passed deadline.
    public var isTimeout: Bool {
        kind == .timedOut
    }

    /// The `errno` of a failed system call, if this error is one.
    public var errno: Int32? {
        if case .system(_, let code) = kind { return code }
        return nil
    }

    /// Lets `catch TransportError.closed` and `case TransportError.timedOut` match thrown errors.
    public static func ~= (pattern: TransportError, error: any Error) -> Bool {
        (error as? TransportError) == pattern
    }

    /// Names what failed and why, e.g. `bind failed: errno 98 (Address already in use)`.
    public var description: String {
        switch kind {
        case .timedOut:
            return "timed out waiting for socket readiness"
        case .closed:
            return "socket or event loop closed"
        case .connectionReset:
            return "connection reset by peer"
        case .busy:
            return "another task already waits for this socket in the same direction"
        case .invalidAddress(let host):
            return "invalid address '\(host)': expected a numeric IPv4 or IPv6 address or 'localhost'"
        case .system(let call, let code):
            return "\(call) failed: errno \(code) (\(String(cString: strerror(code))))"
        }
    }
}

/// An error that knows the HTTP response it becomes. Errors reach the client through this one protocol;
/// anything else becomes a logged 500 with no details.
public protocol HTTPResponseError: Error {
    /// The response status.
    var status: HTTPStatus { get }
    /// The problem document to send.
    var problem: ProblemDetails { get }
    /// Extra header fields (`Allow`, `WWW-Authenticate`, `Retry-After` …).
    var headers: HTTPHeaders { get }
}

extension HTTPResponseError {
    public var problem: ProblemDetails { ProblemDetails(status: status) }
    public var headers: HTTPHeaders { HTTPHeaders() }
}

/// A plain HTTP error: a status, a detail for the client and optional header fields.
public struct HTTPError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    /// What went wrong, for the client.
    public let detail: String?
    public let headers: HTTPHeaders
    /// Further problem members.
    public let extensions: [String: any Encodable & Sendable]

    /// Creates an error.
    public init(
        _ status: HTTPStatus,
        detail: String? = nil,
        headers: HTTPHeaders = HTTPHeaders(),
        extensions: [String: any Encodable & Sendable] = [:]
    ) {
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extensions = extensions
    }

    public var problem: ProblemDetails {
        ProblemDetails(status: status, detail: detail, extensions: extensions)
    }

    public var description: String {
        "HTTP \(status.code)" + (detail.map { ": \($0)" } ?? "")
    }
}

extension HTTPParseError: HTTPResponseError {
    public var problem: ProblemDetails { ProblemDetails(status: status, detail: reason) }
}

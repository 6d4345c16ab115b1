/// Why a call to the OpenAI API failed: the HTTP status and OpenAI's error envelope when the server
/// answered, or the transport failure when it did not, with the `x-request-id` when there was one.
public struct OpenAIError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, coarse enough for callers to branch on (the REST layer maps these to statuses).
    public enum Kind: Sendable, Hashable {
        /// The server answered with an error status (`status` and usually `error` are set).
        case api
        /// The connection could not be made or was lost: refused, reset, DNS, TLS.
        case connection
        /// A connect, total or low-speed timeout.
        case timeout
        /// The Swift task was cancelled and the transfer aborted.
        case cancelled
        /// The server answered 2xx with a body that cannot be read as the expected object.
        case decoding
        /// The request could not be made: bad configuration, a local file that cannot be read or written.
        case invalidRequest
    }

    /// The kind.
    public let kind: Kind
    /// The HTTP status, when the server answered.
    public let status: Int?
    /// The inner object of OpenAI's error envelope, when the server sent one.
    public let error: APIErrorBody?
    /// The server's `x-request-id`, when it sent one.
    public let requestID: String?
    /// What failed, for a person (never contains the API key).
    public let message: String

    /// Creates an error.
    public init(kind: Kind, status: Int? = nil, error: APIErrorBody? = nil, requestID: String? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.error = error
        self.requestID = requestID
        self.message = message
    }

    /// `404` from the server: an unknown file or batch id.
    public var isNotFound: Bool { kind == .api && status == 404 }

    public var description: String {
        var text = message
        if let status { text = "HTTP \(status): " + text }
        if let requestID { text += " (request \(requestID))" }
        return text
    }
}

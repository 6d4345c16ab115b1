/// One HTTP request for `CurlTransport`: method, absolute URL, headers and a body that may stream
/// from a file.
public struct HTTPRequest: Sendable {
    /// What the request sends after its head.
    public enum Body: Sendable {
        /// No body (`GET`, `DELETE`, or a `POST` with an empty body).
        case none
        /// These bytes, with the `Content-Type` named in `headers`.
        case bytes([UInt8])
        /// A `multipart/form-data` form built by libcurl's mime API; file parts stream from disk.
        case multipart([MultipartPart])
        /// A file's content as the raw body, streamed from disk.
        case file(path: String)
    }

    /// The method, e.g. `GET`, `POST`, `DELETE`.
    public var method: String
    /// The absolute URL, e.g. `https://api.openai.com/v1/files`.
    public var url: String
    /// Header fields in order; names are sent as given.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Body
    /// Timeouts for this request; `nil` uses the transport's.
    public var timeouts: HTTPTimeouts?
    /// The largest response body kept in memory (a larger one fails the request). Downloads to a
    /// file are not bounded by it, only their error bodies are.
    public var maxResponseBytes: Int

    /// Creates a request.
    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Body = .none,
        timeouts: HTTPTimeouts? = nil,
        maxResponseBytes: Int = 64 * 1024 * 1024
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.maxResponseBytes = maxResponseBytes
    }
}

/// A validated request line and header section, with the facts the connection needs derived from it.
public struct RequestHead: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The raw request-target as sent.
    public var target: String
    /// The percent-decoded path (origin-form; absolute-form is reduced to its path; `*` for asterisk-form).
    public var path: String
    /// The raw path split on `/` and then each segment percent-decoded, so `%2F` never makes a new
    /// segment; empty segments dropped.
    public var pathSegments: [String]
    /// The raw query: after `?`, before any `#`; nil when there is no `?`.
    public var query: String?
    /// The query's `name=value` pairs, percent-decoded with `+` read as a space; empty pairs skipped.
    public var queryItems: [(name: String, value: String)]
    /// The protocol version of the request.
    public var version: HTTPVersion
    /// The header fields, in order.
    public var headers: HTTPHeaders
    /// How the body is delimited.
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one's response:
    /// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool
    /// Whether the client sent `Expect: 100-continue` (ignored for HTTP/1.0, as RFC 9110 §10.1.1 requires).
    public var expectsContinue: Bool

    /// Creates a head; the defaults describe `GET /` over HTTP/1.1 without a body.
    public init(
        method: HTTPMethod = .get,
        target: String = "/",
        path: String? = nil,
        pathSegments: [String]? = nil,
        query: String? = nil,
        queryItems: [(name: String, value: String)] = [],
        version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(),
        framing: BodyFraming = .none,
        keepAlive: Bool = true,
        expectsContinue: Bool = false
    ) {
        self.method = method
        self.target = target
        let resolvedPath = path ?? String(target.prefix { $0 != "?" && $0 != "#" })
        self.path = resolvedPath
        self.pathSegments = pathSegments ?? resolvedPath.split(separator: "/").map(String.init)
        self.query = query
        self.queryItems = queryItems
        self.version = version
        self.headers = headers
        self.framing = framing
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
    }

    /// The first value of the query item named `name` (exact, case-sensitive match).
    public func queryItem(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }
}

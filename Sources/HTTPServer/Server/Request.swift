import Logging

/// A request as a handler sees it: the parsed head, a body to stream, and what routing found.
public struct Request: Sendable {
    /// The request line and header fields as parsed.
    public var head: RequestHead
    /// The body, read from the connection as the handler iterates it.
    public var body: RequestBody
    /// Values of the `{name}` segments of the matched route pattern.
    public var pathParameters: [String: String]
    /// The pattern of the matched route (`/batches/{id}/status`), for logs and metrics; nil when none matched.
    public var route: String?
    /// The request id: the client's `X-Request-Id` when it is a short token, otherwise a new one. Echoed in the response.
    public let id: String
    /// The peer's address, when known.
    public let remoteAddress: SocketAddress?
    /// A logger whose metadata carries the request id.
    public var logger: Logger

    /// Creates a request; the server does this, tests and adapters may too.
    public init(
        head: RequestHead,
        body: RequestBody = .empty,
        pathParameters: [String: String] = [:],
        route: String? = nil,
        id: String,
        remoteAddress: SocketAddress? = nil,
        logger: Logger
    ) {
        self.head = head
        self.body = body
        self.pathParameters = pathParameters
        self.route = route
        self.id = id
        self.remoteAddress = remoteAddress
        self.logger = logger
    }

    /// The request method.
    public var method: HTTPMethod { head.method }
    /// The percent-decoded path.
    public var path: String { head.path }
    /// The header fields.
    public var headers: HTTPHeaders { head.headers }

    /// The first decoded value of a query parameter.
    public func query(_ name: String) -> String? {
        head.queryItems.first { $0.name == name }?.value
    }

    /// The value of a `{name}` path parameter.
    public func parameter(_ name: String) -> String? {
        pathParameters[name]
    }
}

extension Server {
    /// Where the server listens, how much it accepts and how long it waits. Every limit is explicit.
    public struct Configuration: Sendable {
        /// The address to bind: loopback unless told otherwise.
        public var host: String = "127.0.0.1"
        /// The port; 0 picks a free one (read it back from `Server.localAddress`).
        public var port: UInt16 = 8000
        /// The listen backlog.
        public var backlog: Int32 = 1024
        /// Limits on the request line, header fields and chunk framing.
        public var parserLimits = ParserLimits()
        /// The largest request body a route accepts unless it says otherwise (413 past it).
        public var maxBodyBytes: Int = 1 << 20
        /// How long a client may take to send a whole request head, from its first byte (slowloris).
        public var headerTimeout: Duration = .seconds(10)
        /// How long a kept-alive connection may sit idle before the next request.
        public var idleTimeout: Duration = .seconds(60)
        /// The longest pause allowed between two reads of a request body.
        public var bodyReadTimeout: Duration = .seconds(10)
        /// After `bodyReadTimeout` has passed since a body started, the average rate it must keep up (bytes/s);
        /// a client that trickles a body a byte at a time is cut off.
        public var minimumBodyBytesPerSecond: Int = 4096
        /// How long one write may wait for the client to take bytes.
        public var writeTimeout: Duration = .seconds(30)
        /// How long `stop()` lets in-flight requests finish before cancelling them.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// The most connections served at once; further ones are closed on accept.
        public var maxConnections: Int = 10_000
        /// Compress responses for clients that accept gzip.
        public var compressResponses = true
        /// Bodies smaller than this are sent as they are.
        public var minimumCompressibleBytes: Int = 1024
        /// The largest body a gzip-encoded request may inflate to, relative to the route's limit (a guard against zip bombs).
        public var maxRequestInflationRatio: Int = 1
        /// Log one line per request.
        public var accessLog = true

        /// The defaults: 127.0.0.1:8000, 1 MiB bodies, 10 s header and body timeouts.
        public init() {}

        /// The defaults with a host and port.
        public init(host: String, port: UInt16) {
            self.host = host
            self.port = port
        }
    }
}

/// Told about each finished request, for metrics.
public protocol RequestObserver: Sendable {
    /// Called once per request after its response was written (or failed).
    func requestFinished(_ record: RequestRecord)
}

/// What happened to one request, for logs and metrics.
public struct RequestRecord: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The matched route pattern, or nil.
    public var route: String?
    /// The status sent.
    public var status: Int
    /// Body bytes received.
    public var bytesIn: Int64
    /// Bytes sent after the head.
    public var bytesOut: Int64
    /// From the end of the head to the end of the response.
    public var duration: Duration

    /// Creates a record; the server does this, and so does an in-process test client.
    public init(method: HTTPMethod, route: String?, status: Int, bytesIn: Int64, bytesOut: Int64, duration: Duration) {
        self.method = method
        self.route = route
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.duration = duration
    }
}

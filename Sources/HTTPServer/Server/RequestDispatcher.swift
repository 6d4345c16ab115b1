import Logging

/// What the server does between a parsed request head and the response it writes: routing (404, 405 with
/// `Allow`, route parameters, the route's body limit), the framing checks, gzip request bodies, the
/// middleware chain and the handler, and the mapping of thrown errors to problem responses.
///
/// `Connection` calls it for every request; tests call it too (through an in-process client), so that a
/// route is exercised on the server's own path without a socket.
public struct RequestDispatcher: Sendable {
    /// The routes.
    public let router: Router
    /// The middleware, outermost first, around every route and the 404/405 answers.
    public let middleware: [any Middleware]
    /// The body limit of routes that set none.
    public let maxBodyBytes: Int
    /// How many times its limit a gzip request body may inflate to.
    public let maxRequestInflationRatio: Int
    /// Each route's handler wrapped in the middleware, keyed by `Router.routeKey`.
    private let chains: [String: any HTTPHandler]

    /// What routing found for a request head.
    public struct Routing: Sendable {
        /// The lookup's result.
        public let match: Router.Match
        /// The largest body the request may have: the route's limit, or the server's.
        public let bodyLimit: Int

        /// The matched route, if any.
        public var route: Router.Route? {
            if case .found(let route, _) = match { return route }
            return nil
        }

        /// The values of the route's parameters (empty when nothing matched).
        public var parameters: [String: String] {
            if case .found(_, let parameters) = match { return parameters }
            return [:]
        }
    }

    /// A dispatcher for `router` behind `middleware`, with the body limits of `configuration`.
    public init(router: Router, middleware: [any Middleware] = [], configuration: Server.Configuration = Server.Configuration()) {
        self.router = router
        self.middleware = middleware
        self.maxBodyBytes = configuration.maxBodyBytes
        self.maxRequestInflationRatio = configuration.maxRequestInflationRatio
        var chains: [String: any HTTPHandler] = [:]
        for route in router.routes {
            chains[Router.routeKey(route.method, route.pattern)] = MiddlewareChain.build(middleware, around: route.handler)
        }
        self.chains = chains
    }

    /// Finds the route for a request head and the body limit that applies to it.
    public func route(_ head: RequestHead) -> Routing {
        let match = router.match(head.method, segments: head.pathSegments)
        var limit = maxBodyBytes
        if case .found(let route, _) = match, let routeLimit = route.maxBodyBytes { limit = routeLimit }
        return Routing(match: match, bodyLimit: limit)
    }

    /// The request a handler sees for `head`: its id (the client's `X-Request-Id` when it is a short token,
    /// otherwise a new one), the route's parameters and pattern, and `logger` with the id in its metadata.
    public func request(for head: RequestHead, routing: Routing, body: RequestBody, remoteAddress: SocketAddress?, logger: Logger) -> Request {
        let requestID = RequestID.make(from: head.headers["X-Request-Id"])
        var logger = logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        return Request(
            head: head,
            body: body,
            pathParameters: routing.parameters,
            route: routing.route?.pattern,
            id: requestID,
            remoteAddress: remoteAddress,
            logger: logger
        )
    }

    /// Answers a request that `routing` routed: refuses a body too large or in an unknown coding before it is
    /// read, inflates a gzip body, runs the middleware and the handler, and turns a thrown error into its problem
    /// response (an unrecognised one into a logged 500 without details). Never throws.
    public func respond(to request: Request, routing: Routing) async -> Response {
        var request = request
        do {
            try checkFraming(request.head, limit: routing.bodyLimit)
            request.body = try decodedBody(request.head, body: request.body, limit: routing.bodyLimit)
            return try await handler(for: routing.match).handle(request)
        } catch {
            return errorResponse(error, logger: request.logger)
        }
    }

    /// The middleware chain for the route, or for the 404/405 answer.
    private func handler(for match: Router.Match) -> any HTTPHandler {
        switch match {
        case .found(let route, _):
            return chains[Router.routeKey(route.method, route.pattern)] ?? route.handler
        case .methodNotAllowed(let allowed):
            return MiddlewareChain.build(middleware, around: ClosureHandler { request in
                let allow = allowed.map(\.rawValue).joined(separator: ", ")
                var headers = HTTPHeaders()
                headers.add(name: "Allow", value: allow)
                if request.method == .options {
                    return Response(status: .noContent, headers: headers)
                }
                throw HTTPError(
                    .methodNotAllowed,
                    detail: "\(request.method.rawValue) is not allowed here; allowed: \(allow).",
                    headers: headers
                )
            })
        case .notFound:
            return MiddlewareChain.build(middleware, around: ClosureHandler { request in
                throw HTTPError(.notFound, detail: "No route for \(request.method.rawValue) \(request.path).")
            })
        }
    }

    /// Refuses, before anything is read, a body larger than the route accepts or in an unknown coding.
    private func checkFraming(_ head: RequestHead, limit: Int) throws {
        if case .contentLength(let length) = head.framing, length > Int64(limit) {
            throw HTTPError(.payloadTooLarge, detail: "The request body is larger than \(limit) bytes.")
        }
        if head.framing != .none, let coding = head.headers["Content-Encoding"]?.lowercased(),
           !["identity", "gzip", "x-gzip"].contains(coding.trimmingSpaces()) {
            throw HTTPError(.unsupportedMediaType, detail: "Content-Encoding \(coding) is not supported; send identity or gzip.")
        }
    }

    /// The body as the handler should see it: inflated when the client sent it gzip-encoded.
    private func decodedBody(_ head: RequestHead, body: RequestBody, limit: Int) throws -> RequestBody {
        guard head.framing != .none, let coding = head.headers["Content-Encoding"]?.lowercased().trimmingSpaces(),
              coding == "gzip" || coding == "x-gzip", let source = body.source
        else { return body }
        let inflatedLimit = limit * max(1, maxRequestInflationRatio)
        return RequestBody(source: try GzipBodySource(source: source, maxOutputBytes: inflatedLimit))
    }

    private func errorResponse(_ error: any Error, logger: Logger) -> Response {
        if let error = error as? any HTTPResponseError {
            return Response.problem(error.problem, headers: error.headers)
        }
        if error is CancellationError {
            return Response.problem(ProblemDetails(status: .serviceUnavailable, detail: "The server is shutting down."))
        }
        logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
        return Response.problem(ProblemDetails(status: .internalServerError, detail: "An internal error occurred."))
    }
}

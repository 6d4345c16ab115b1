/// Answers requests. The one protocol every route, middleware chain and adapter speaks.
public protocol HTTPHandler: Sendable {
    /// Produces the response for a request; a thrown `HTTPResponseError` becomes its problem response.
    func handle(_ request: Request) async throws -> Response
}

/// Adapts a closure to `HTTPHandler`.
public struct ClosureHandler: HTTPHandler {
    private let closure: @Sendable (Request) async throws -> Response

    /// Wraps a closure.
    public init(_ closure: @escaping @Sendable (Request) async throws -> Response) {
        self.closure = closure
    }

    public func handle(_ request: Request) async throws -> Response {
        try await closure(request)
    }
}

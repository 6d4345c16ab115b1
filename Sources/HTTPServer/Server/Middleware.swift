/// Code that wraps every request: authentication, headers, metrics. It calls `next` to go on, or answers itself.
public protocol Middleware: Sendable {
    /// Handles the request, usually by calling `next` and adjusting or observing the result.
    func handle(_ request: Request, next: any HTTPHandler) async throws -> Response
}

/// A handler made of middleware in front of a final handler; the first middleware runs first.
struct MiddlewareChain: HTTPHandler {
    let middleware: any Middleware
    let next: any HTTPHandler

    func handle(_ request: Request) async throws -> Response {
        try await middleware.handle(request, next: next)
    }

    /// Wraps `handler` in `middleware`, outermost first.
    static func build(_ middleware: [any Middleware], around handler: any HTTPHandler) -> any HTTPHandler {
        middleware.reversed().reduce(handler) { next, middleware in
            MiddlewareChain(middleware: middleware, next: next)
        }
    }
}

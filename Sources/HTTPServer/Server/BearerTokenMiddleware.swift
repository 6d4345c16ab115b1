/// Requires `Authorization: Bearer <token>` on every request except those routed to an exempt route.
///
/// Exemption goes by the route the router matched, not by the path as spelled: the router drops empty
/// segments, so `/healthz/` and `//healthz` reach the `/healthz` handler, and one rule must hold for every
/// spelling that reaches it (a path compared as text let `/healthz/` need the token while `/healthz` did not).
///
/// It answers 401 before the handler runs, so a request body is never read (and `Expect: 100-continue`
/// gets its 401 without a 100). The comparison takes the same time wherever the tokens differ.
public struct BearerTokenMiddleware: Middleware {
    private let token: [UInt8]
    private let exemptRoutes: Set<String>

    /// Creates the middleware; `exemptRoutes` are route patterns as registered (`/healthz`).
    public init(token: String, exemptRoutes: Set<String> = []) {
        self.token = Array(token.utf8)
        self.exemptRoutes = exemptRoutes
    }

    public func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
        if request.route.map(exemptRoutes.contains) == true || isAuthorized(request.headers["Authorization"]) {
            return try await next.handle(request)
        }
        var headers = HTTPHeaders()
        headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"batch-openai\"")
        throw HTTPError(.unauthorized, detail: "A valid bearer token is required.", headers: headers)
    }

    private func isAuthorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count,
              zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 | 0x20 })
        else { return false }
        var start = scheme.count
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        return Self.constantTimeEquals(Array(bytes[start...]), token)
    }

    /// Compares without an early exit, so response time does not reveal how much of a guess was right.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && !b.isEmpty
    }
}

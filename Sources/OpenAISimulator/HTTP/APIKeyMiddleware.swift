import HTTPServer

/// Requires `Authorization: Bearer <key>`; a missing or wrong key is a 401 with OpenAI's envelope.
struct APIKeyMiddleware: Middleware {
    let key: String

    func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
        guard let header = request.headers["Authorization"] else {
            throw APIError(
                .unauthorized,
                message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                headers: ["WWW-Authenticate": "Bearer"]
            )
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", Self.constantTimeEquals(String(parts[1]), key) else {
            throw APIError(
                .unauthorized, message: "Incorrect API key provided.", code: "invalid_api_key",
                headers: ["WWW-Authenticate": "Bearer"]
            )
        }
        return try await next.handle(request)
    }

    /// Compares without stopping at the first difference, so timing does not leak the key.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}

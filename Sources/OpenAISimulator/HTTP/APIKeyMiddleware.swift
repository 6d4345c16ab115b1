import HTTPServer

/// Requires `Authorization: Bearer <key>` on every request, as OpenAI does: without a bearer token the
/// answer is OpenAI's 401 "You didn't provide an API key"; with `key` set, any other token is a 401
/// "Incorrect API key provided" (`code: invalid_api_key`). Without `key`, any non-empty token is accepted.
struct APIKeyMiddleware: Middleware {
    /// The one key accepted, or `nil` for any.
    let key: String?

    /// OpenAI's own wording for a request without a key.
    static let missingKeyMessage = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys."

    /// OpenAI's wording for a wrong key, without echoing the key that was sent.
    static let incorrectKeyMessage = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."

    func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
        guard let token = Self.bearerToken(request.headers["Authorization"]) else {
            throw APIError(.unauthorized, message: Self.missingKeyMessage, headers: ["WWW-Authenticate": "Bearer"])
        }
        if let key, !Self.constantTimeEquals(token, key) {
            throw APIError(
                .unauthorized, message: Self.incorrectKeyMessage, code: "invalid_api_key",
                headers: ["WWW-Authenticate": "Bearer"]
            )
        }
        return try await next.handle(request)
    }

    /// The token of `Bearer <token>` (scheme case-insensitive), or `nil` when there is none: no header,
    /// another scheme, or an empty token all count as "no API key", as they do at OpenAI.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1].drop { $0 == " " })
        return token.isEmpty ? nil : token
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

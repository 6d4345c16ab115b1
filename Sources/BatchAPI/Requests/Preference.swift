import Foundation
import HTTPServer

/// What the client asked for in `Prefer` (RFC 7240): only `respond-async` matters here.
enum Preference {
    /// Whether any `Prefer` field lists `respond-async` (case-insensitive, parameters ignored).
    static func respondAsync(_ headers: HTTPHeaders) -> Bool {
        headers.values("Prefer").contains { value in
            value.split(separator: ",").contains { token in
                let name = token.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                return name == "respond-async"
            }
        }
    }
}

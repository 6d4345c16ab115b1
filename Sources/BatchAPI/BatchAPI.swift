import HTTPServer

/// The routes of the REST service. The batch routes (DESIGN.md §5) join these as they are built.
public enum ServiceRoutes {
    /// `{"status":"ok"}`, built once.
    static let healthBody = Array(#"{"status":"ok"}"#.utf8)

    /// Adds the service's routes to a router.
    public static func register(into router: inout Router) {
        router.add(.get, "/healthz") { _ in
            Response.bytes(healthBody, contentType: "application/json")
        }
    }
}

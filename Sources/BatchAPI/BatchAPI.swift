import HTTPServer

/// The routes of the REST service. The batch routes (DESIGN.md §5) join these as they are built.
public enum ServiceRoutes {
    /// `{"status":"ok"}`, built once.
    static let healthBody = Array(#"{"status":"ok"}"#.utf8)

    /// Adds the service's routes to a router; `metrics` must also be the server's request observer.
    public static func register(into router: inout Router, metrics: MetricsRegistry) {
        router.add(.get, "/healthz") { _ in
            Response.bytes(healthBody, contentType: "application/json")
        }
        router.add(.get, "/metrics") { _ in
            Response.bytes(Array(metrics.render().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}

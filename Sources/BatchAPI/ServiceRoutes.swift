import HTTPServer

/// The two routes a server needs without a batch service: `/healthz` and `/metrics`. `BatchRoutes` serves
/// these too, with every route of docs/ARCHITECTURE.md § The REST API.
public enum ServiceRoutes {
    /// `{"status":"ok"}`, built once.
    static let healthBody = Array(#"{"status":"ok"}"#.utf8)

    /// Adds `/healthz` and `/metrics` to a router; `metrics` must also be the server's request observer.
    public static func register(into router: inout Router, metrics: MetricsRegistry) {
        router.add(.get, "/healthz") { _ in
            Response.bytes(healthBody, contentType: "application/json")
        }
        router.add(.get, "/metrics") { _ in
            Response.bytes(Array(metrics.render().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}

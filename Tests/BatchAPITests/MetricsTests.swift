import BatchAPI
import HTTPServer
import Logging
import TestSupport
import Testing

@Suite("GET /metrics")
struct MetricsTests {
    @Test func countsRequestsByRouteAndStatusInPrometheusText() async throws {
        let metrics = MetricsRegistry()
        var router = Router()
        ServiceRoutes.register(into: &router, metrics: metrics)
        router.add(.get, "/items/{id}") { _ in .text("x") }
        var configuration = Server.Configuration(host: "127.0.0.1", port: 0)
        configuration.accessLog = false
        let server = Server(configuration: configuration, router: router, observer: metrics, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        try server.start()
        let task = Task { try await server.run() }
        let client = try await RawClient.connect(to: server.localAddress!)
        #expect(try await client.request("GET", "/healthz").status == 200)
        #expect(try await client.request("GET", "/items/1").status == 200)
        #expect(try await client.request("GET", "/items/2").status == 200)
        #expect(try await client.request("GET", "/nowhere").status == 404)
        metrics.setBatches(byStatus: ["completed": 2, "in_progress": 1])
        metrics.addTransfer(uploaded: 100, downloaded: 50)
        let response = try await client.request("GET", "/metrics")
        server.stop()
        try await task.value

        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = response.text
        #expect(text.contains(#"batch_openai_http_requests_total{method="GET",route="/items/{id}",status="200"} 2"#))
        #expect(text.contains(#"batch_openai_http_requests_total{method="GET",route="/healthz",status="200"} 1"#))
        #expect(text.contains(#"batch_openai_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"batch_openai_http_request_duration_seconds_bucket{route="/items/{id}",le="+Inf"} 2"#))
        #expect(text.contains(#"batch_openai_http_request_duration_seconds_count{route="/items/{id}"} 2"#))
        #expect(text.contains(#"batch_openai_batches_last_recorded{status="completed"} 2"#))
        #expect(text.contains(#"batch_openai_backend_bytes_total{direction="up"} 100"#))
        #expect(text.contains("# TYPE batch_openai_http_request_duration_seconds histogram"))
        // No raw ids in labels: routes are patterns.
        #expect(!text.contains("/items/1"))
    }

    @Test func escapesLabelValues() {
        let metrics = MetricsRegistry()
        metrics.setBatches(byStatus: ["we\"ird\n": 1])
        #expect(metrics.render().contains(#"batch_openai_batches_last_recorded{status="we\"ird\n"} 1"#))
    }
}

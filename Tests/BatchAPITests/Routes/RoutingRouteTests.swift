import BackendTesting
import BatchAPI
import Foundation
import HTTPServer
import Testing
import TestSupport

/// Routing, auth and the service routes of the REST layer, in process.
@Suite("Routes in process: routing, auth, service routes")
struct RoutingRouteTests {
    @Test func unknownPathsAre404AndOtherMethodsAre405WithAllow() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let missing = try RouteFixture.problem(try await fixture.get("/nowhere"), 404)
        #expect((missing["detail"] as? String)?.contains("No route for GET /nowhere") == true)

        let wrong = try RouteFixture.problem(try await fixture.client.execute(.delete, "/batches/batch_1"), 405)
        #expect((wrong["detail"] as? String)?.contains("DELETE is not allowed") == true)
        let allow = try await fixture.client.execute(.delete, "/batches/batch_1").header("Allow")
        #expect(allow == "GET, HEAD")
        let options = try await fixture.client.execute(.options, "/batches")
        #expect(options.status == 204)
        #expect(options.header("Allow")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted() == ["GET", "HEAD", "POST"])
        // HEAD is served by the GET route, without a body.
        let head = try await fixture.client.execute(.head, "/healthz")
        #expect(head.status == 200 && head.body.isEmpty)
    }

    /// Issue 11 §9: a method the service does not implement (`QUERY`, `PROPFIND`) is answered like `PATCH`.
    @Test func unimplementedMethodsAre405WithAllowOnKnownPathsAnd404Elsewhere() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        for name in ["QUERY", "PROPFIND", "PATCH"] {
            let method = HTTPMethod(rawValue: name)
            let known = try await fixture.client.execute(method, "/batches")
            try RouteFixture.problem(known, 405)
            #expect(known.header("Allow")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted() == ["GET", "HEAD", "POST"])
            try RouteFixture.problem(try await fixture.client.execute(method, "/healthz"), 405)
            try RouteFixture.problem(try await fixture.client.execute(method, "/nowhere"), 404)
        }
    }

    @Test func healthzOpenAPIAndDocsAnswerWithoutTheBackend() async throws {
        let fixture = try RouteFixture.make()
        defer { fixture.remove() }
        let health = try await fixture.get("/healthz")
        #expect(health.status == 200)
        #expect(try health.object()["status"] as? String == "ok")
        let openAPI = try await fixture.get("/openapi.json")
        #expect(openAPI.status == 200 && openAPI.header("Content-Type") == "application/json")
        let paths = try #require(try openAPI.object()["paths"] as? [String: Any])
        #expect(paths.keys.contains("/batches/{batch_id}/files/{path}"))
        #expect(paths.keys.contains("/batches/run-file"))
        let docs = try await fixture.get("/docs")
        #expect(docs.status == 200 && docs.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(fixture.backend.calls.isEmpty)
    }

    @Test func metricsCountRequestsByRouteAndBatchesByStatus() async throws {
        let fixture = try RouteFixture.make(progression: .manual, inputs: ["ok.jsonl": RouteFixture.chatLines(2)])
        defer { fixture.remove() }
        let id = try await fixture.submit()
        _ = try await fixture.get("/batches/\(id)/status")
        _ = try await fixture.get("/batches/\(id)/status")
        _ = try await fixture.get("/nowhere")

        let metrics = try await fixture.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        let text = metrics.text
        #expect(text.contains(#"batch_openai_http_requests_total{method="POST",route="/batches",status="201"} 1"#), "\(text)")
        #expect(text.contains(#"batch_openai_http_requests_total{method="GET",route="/batches/{batch_id}/status",status="200"} 2"#))
        #expect(text.contains(#"batch_openai_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
        #expect(text.contains(#"batch_openai_batches_last_recorded{status="validating"} 1"#))
    }

    @Test func withATokenEveryRouteButHealthzNeedsIt() async throws {
        let fixture = try RouteFixture.make(token: "s3cret-token")
        defer { fixture.remove() }
        #expect(try await fixture.get("/healthz").status == 200)
        for target in ["/batches", "/metrics", "/openapi.json", "/batches/batch_1/status", "/nowhere"] {
            try RouteFixture.problem(try await fixture.get(target), 401)
            try RouteFixture.problem(try await fixture.get(target, headers: [("Authorization", "Bearer wrong")]), 401)
        }
        try RouteFixture.problem(try await fixture.post("/batches", json: "{}"), 401)
        let allowed = try await fixture.get("/batches", headers: [("Authorization", "Bearer s3cret-token")])
        #expect(allowed.status == 200, "\(allowed.text)")
        // Refused requests never reached the backend.
        #expect(fixture.backend.calls.map(\.operation) == [.listBatches])
    }

    /// Issue 11 §8: the router sends `/healthz/` and `//healthz` to the `/healthz` route, so the token rule
    /// must treat them alike (it compared the path text, and `/healthz/` needed the token).
    @Test func withATokenEverySpellingOfHealthzIsOpen() async throws {
        let fixture = try RouteFixture.make(token: "s3cret-token")
        defer { fixture.remove() }
        for target in ["/healthz", "/healthz/", "//healthz", "/healthz//", "/healthz?probe=1"] {
            let response = try await fixture.get(target)
            #expect(response.status == 200, "\(target): \(response.status) \(response.text)")
        }
        // A path that only starts like it is another route, and needs the token.
        try RouteFixture.problem(try await fixture.get("/healthz/x"), 401)
        try RouteFixture.problem(try await fixture.post("/healthz/", json: "{}"), 401)
    }
}

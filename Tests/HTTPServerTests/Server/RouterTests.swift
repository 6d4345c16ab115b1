@testable import HTTPServer
import Testing

@Suite("Router")
struct RouterTests {
    static func router() -> Router {
        var router = Router()
        router.add(.get, "/batches") { _ in .text("list") }
        router.add(.post, "/batches") { _ in .text("submit") }
        router.add(.get, "/batches/{id}") { _ in .text("one") }
        router.add(.get, "/batches/{id}/status") { _ in .text("status") }
        router.add(.get, "/batches/{id}/files/{path...}") { _ in .text("file") }
        return router
    }

    @Test("matches patterns", arguments: [
        (["batches"], "/batches", [:]),
        (["batches", "b1"], "/batches/{id}", ["id": "b1"]),
        (["batches", "b1", "status"], "/batches/{id}/status", ["id": "b1"]),
        (["batches", "b1", "files", "docs", "a.md"], "/batches/{id}/files/{path...}", ["id": "b1", "path": "docs/a.md"]),
    ] as [([String], String, [String: String])])
    func matches(segments: [String], pattern: String, parameters: [String: String]) {
        guard case .found(let route, let values) = Self.router().match(.get, segments: segments) else {
            Issue.record("no match for \(segments)")
            return
        }
        #expect(route.pattern == pattern)
        #expect(values == parameters)
    }

    /// Found by schemathesis (issue 11 §11): `OPTIONS /batches/run-file` advertised `GET`, because
    /// `/batches/{batch_id}` matched it too. A literal segment beats a parameter.
    @Test func aLiteralSegmentBeatsAParameter() {
        var router = Self.router()
        router.add(.post, "/batches/run-file") { _ in .text("run-file") }
        guard case .methodNotAllowed(let allowed) = router.match(.get, segments: ["batches", "run-file"]) else {
            Issue.record("GET /batches/run-file was routed to /batches/{id}")
            return
        }
        #expect(allowed == [.post])
        guard case .found(let route, _) = router.match(.post, segments: ["batches", "run-file"]) else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern == "/batches/run-file")
        guard case .found(let other, let values) = router.match(.get, segments: ["batches", "run-files"]) else {
            Issue.record("no match")
            return
        }
        #expect(other.pattern == "/batches/{id}" && values == ["id": "run-files"])
    }

    @Test func headUsesGetAndUnknownMethodsGet405() {
        let router = Self.router()
        guard case .found(let route, _) = router.match(.head, segments: ["batches", "x"]) else {
            Issue.record("HEAD did not fall back to GET")
            return
        }
        #expect(route.method == .get)
        guard case .methodNotAllowed(let allowed) = router.match(.delete, segments: ["batches"]) else {
            Issue.record("expected 405")
            return
        }
        #expect(Set(allowed) == [.get, .post, .head])
        guard case .notFound = router.match(.get, segments: ["batches", "x", "nope"]) else {
            Issue.record("expected 404")
            return
        }
        guard case .notFound = router.match(.get, segments: ["batches", "x", "files"]) else {
            Issue.record("a rest parameter needs at least one segment")
            return
        }
    }
}

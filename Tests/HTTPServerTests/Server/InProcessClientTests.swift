import Foundation
import Gzip
import HTTPServer
import Testing
import TestSupport

/// The in-process client answers as the server does: each request goes once over a loopback socket and
/// once through `InProcessClient`, and the two answers must agree.
@Suite("In-process client against the server")
struct InProcessClientTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let method: HTTPMethod
        let target: String
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var testDescription: String { "\(method.rawValue) \(target) \(headers.map(\.0))" }
    }

    static let cases: [Case] = [
        Case(method: .get, target: "/hello"),
        Case(method: .get, target: "/items/a%20b?q=x%26y"),
        Case(method: .get, target: "/files/a/b%2Fc.txt"),
        Case(method: .get, target: "/nowhere"),
        Case(method: .delete, target: "/items/1"),
        Case(method: .options, target: "/hello"),
        Case(method: .head, target: "/hello"),
        Case(method: .post, target: "/echo", body: Array("abc".utf8)),
        Case(method: .post, target: "/echo", body: [UInt8](repeating: 0x61, count: 70_000)),
        Case(method: .post, target: "/ignore", body: [UInt8](repeating: 0x61, count: 2 << 20)),
        Case(method: .post, target: "/echo", headers: [("Content-Encoding", "br")], body: Array("abc".utf8)),
        Case(method: .post, target: "/echo", headers: [("Content-Encoding", "gzip")], body: (try? GzipCompressor.compress(Array("inflated".utf8))) ?? []),
        Case(method: .get, target: "/stream"),
        Case(method: .get, target: "/file"),
    ]

    static func routes(file: String) -> (inout Router) -> Void {
        { router in
            TestRoutes.standard(&router)
            router.add(.get, "/stream") { _ in
                Response(body: .stream { writer in
                    for part in ["one ", "two ", "three"] { try await writer.write(Array(part.utf8)) }
                })
            }
            router.add(.get, "/file") { _ in
                Response(status: .ok, headers: ["Content-Type": "text/plain"], body: .file(try FileBody(path: file)))
            }
        }
    }

    @Test(arguments: cases)
    func answersAsTheServerDoes(_ request: Case) async throws {
        let directory = try TemporaryDirectory(prefix: "in-process")
        defer { directory.remove() }
        let file = directory.path + "/file.txt"
        try Data("file contents\n".utf8).write(to: URL(fileURLWithPath: file))

        let server = try TestServer.start(routes: Self.routes(file: file))
        let client = try await server.connect()
        let overSocket = try await client.request(request.method.rawValue, request.target,
                                                  headers: request.headers.map { "\($0.0): \($0.1)" }, body: request.body)
        try await server.stop()

        var router = Router()
        Self.routes(file: file)(&router)
        let inProcess = try await InProcessClient(router: router).execute(
            request.method, request.target, headers: request.headers, body: request.body.isEmpty ? .none : .bytes(request.body)
        )

        #expect(inProcess.status == overSocket.status)
        #expect(inProcess.body == overSocket.body, "\(inProcess.text) vs \(overSocket.text)")
        for name in ["Allow", "Content-Type"] {
            #expect(inProcess.header(name) == overSocket.header(name), "\(name)")
        }
    }

    @Test func aChunkedBodyPastTheRouteLimitIs413() async throws {
        var router = Router()
        TestRoutes.standard(&router)
        let chunks = Array(repeating: [UInt8](repeating: 0x61, count: 16 * 1024), count: 5)
        let response = try await InProcessClient(router: router).execute(.post, "/echo", body: .chunks(chunks))
        #expect(response.status == 413)
        #expect(response.text.contains("larger than 65536 bytes"))
    }

    @Test func middlewareWrapsRoutesAndTheAnswersForUnknownPaths() async throws {
        struct Stamp: Middleware {
            let seen: Counter
            func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
                seen.increment()
                var response = try await next.handle(request)
                response.headers.add(name: "X-Stamp", value: request.route ?? "none")
                return response
            }
        }
        var router = Router()
        TestRoutes.standard(&router)
        let seen = Counter()
        let client = InProcessClient(router: router, middleware: [Stamp(seen: seen)])
        #expect(try await client.execute(.get, "/items/7").header("X-Stamp") == "/items/{id}")
        let missing = try await client.execute(.get, "/nowhere")
        #expect(missing.status == 404 && missing.header("X-Stamp") == nil)
        #expect(seen.value == 2)
    }
}

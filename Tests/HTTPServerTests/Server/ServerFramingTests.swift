import Foundation
import HTTPServer
import TestSupport
import Testing

/// Malformed requests, written as raw bytes: each gets its status with `Connection: close`, then a close.
@Suite("Server framing errors")
struct ServerFramingTests {
    static let longTarget = "/" + String(repeating: "a", count: 9000)
    static let manyHeaders = (0..<120).map { "X-H\($0): v\r\n" }.joined()
    static let hugeHeader = "X-Big: " + String(repeating: "b", count: 9000) + "\r\n"

    static let cases: [(String, String, Int)] = [
        ("both Content-Length and Transfer-Encoding",
         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("differing duplicate Content-Length",
         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("non-numeric Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3a\r\n\r\nabc", 400),
        ("negative Content-Length", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\nabc", 400),
        ("invalid chunk size", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("whitespace before a header colon", "GET /hello HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        ("obs-fold", "GET /hello HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n", 400),
        ("missing Host in HTTP/1.1", "GET /hello HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        ("malformed request line", "GET  /hello HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("garbage request line", "HELLO\r\n\r\n", 400),
        ("too-long target", "GET \(longTarget) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        ("too many headers", "GET /hello HTTP/1.1\r\nHost: x\r\n\(manyHeaders)\r\n", 431),
        ("too large a header", "GET /hello HTTP/1.1\r\nHost: x\r\n\(hugeHeader)\r\n", 431),
    ]

    @Test("refused with its status, Connection: close, then a close", arguments: cases)
    func refusesBadFraming(name: String, request: String, status: Int) async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send(request)
        let response = try await client.readResponse()
        #expect(response.status == status, "\(name)")
        #expect(response.header("Connection")?.lowercased() == "close", "\(name)")
        #expect(response.header("Content-Type") == "application/problem+json", "\(name)")
        #expect(await client.isClosed(), "\(name)")
        try await server.stop()
    }

    @Test func refusesABodyOverTheRouteLimitBeforeReadingIt() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(await client.isClosed())
        try await server.stop()
    }

    @Test func refusesAChunkedBodyThatGrowsOverTheLimit() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let chunk = String(repeating: "x", count: 32 * 1024)
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<3 { try await client.send("8000\r\n\(chunk)\r\n") }
        let response = try await client.readResponse()
        #expect(response.status == 413)
        #expect(await client.isClosed())
        try await server.stop()
    }

    /// Issue 11 §9: a well-formed request with a method no route implements is a routing answer, not a
    /// framing error: 405 with `Allow` on a known path, 404 elsewhere, and the connection stays usable.
    @Test func anUnimplementedMethodIs405WithAllowOnAKnownPathAnd404Elsewhere() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        for method in ["QUERY", "PROPFIND", "BREW"] {
            try await client.send("\(method) /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
            let known = try await client.readResponse()
            #expect(known.status == 405, "\(method)")
            let allow = known.header("Allow")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.sorted()
            #expect(allow == ["DELETE", "GET", "HEAD"], "\(method)")
            #expect(known.header("Content-Type") == "application/problem+json")
            #expect(known.header("Connection")?.lowercased() != "close")
            try await client.send("\(method) /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await client.readResponse().status == 404, "\(method)")
        }
        // Still the same connection: it was never closed as for a framing error.
        #expect(try await client.request("GET", "/hello").status == 200)
        try await server.stop()
    }

    @Test func keepsServingOtherClientsAfterAMalformedOne() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let bad = try await server.connect()
        try await bad.send("GET /hello HTTP/1.1\r\nHost : x\r\n\r\n")
        #expect(try await bad.readResponse().status == 400)
        let good = try await server.connect()
        #expect(try await good.request("GET", "/hello").status == 200)
        try await server.stop()
    }
}

import Foundation
import HTTPServer
import TestSupport
import Testing

@Suite("Server basics")
struct ServerBasicsTests {
    @Test func answersWithDateLengthAndRequestID() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let response = try await client.request("GET", "/hello", headers: ["X-Request-Id: abc-123"])
        #expect(response.status == 200)
        #expect(response.text == "hello")
        #expect(response.header("Content-Length") == "5")
        #expect(response.header("X-Request-Id") == "abc-123")
        let date = try #require(response.header("Date"))
        #expect(date.hasSuffix(" GMT") && date.count == 29)
        try await server.stop()
    }

    @Test func replacesARequestIDThatCouldInjectIntoLogs() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let response = try await client.request("GET", "/hello", headers: ["X-Request-Id: a b\tc"])
        let id = try #require(response.header("X-Request-Id"))
        #expect(id.hasPrefix("req_") && id != "a b\tc")
        try await server.stop()
    }

    @Test func keepsHTTP11ConnectionsAlive() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        for _ in 0..<3 {
            let response = try await client.request("GET", "/hello")
            #expect(response.status == 200)
            #expect(response.header("Connection") == nil)
        }
        try await server.stop()
    }

    @Test func closesHTTP10UnlessAskedToKeepAlive() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let plain = try await server.connect()
        try await plain.send("GET /hello HTTP/1.0\r\n\r\n")
        let first = try await plain.readResponse()
        #expect(first.status == 200)
        #expect(first.header("Connection")?.lowercased() == "close")
        #expect(await plain.isClosed())

        let kept = try await server.connect()
        try await kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let second = try await kept.readResponse()
        #expect(second.header("Connection")?.lowercased() == "keep-alive")
        try await kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try await kept.readResponse().status == 200)
        try await server.stop()
    }

    @Test func answersConnectionCloseAndCloses() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let response = try await client.request("GET", "/hello", headers: ["Connection: close"])
        #expect(response.header("Connection")?.lowercased() == "close")
        #expect(await client.isClosed())
        try await server.stop()
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send(
            "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde"
                + "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /items/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        #expect(try await client.readResponse().text == "item=1 q=-")
        #expect(try await client.readResponse().text == "abcde")
        #expect(try await client.readResponse().text == "item=3 q=-")
        #expect(try await client.readResponse().text == "item=4 q=-")
        #expect(await client.isClosed())
        try await server.stop()
    }

    @Test func readsContentLengthAndChunkedBodies() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let sized = try await client.request("POST", "/echo", body: Array("hello body".utf8))
        #expect(sized.text == "hello body")
        try await client.send(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value;quoted=\"a b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"
        )
        let chunked = try await client.readResponse()
        #expect(chunked.text == "hello world")
        #expect(try await client.request("GET", "/hello").text == "hello")
        try await server.stop()
    }

    @Test func answersHeadWithoutABody() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let head = try await client.request("HEAD", "/hello")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(head.body.isEmpty)
        // Had a body been sent, it would now be read as the next response.
        #expect(try await client.request("GET", "/items/7").text == "item=7 q=-")
        try await server.stop()
    }

    @Test func decodesPathAndQuery() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        #expect(try await client.request("GET", "/items/a%20b?q=x+y%26z").text == "item=a b q=x y&z")
        // %2F stays inside its segment instead of making a new one.
        #expect(try await client.request("GET", "/items/a%2Fb").text == "item=a/b q=-")
        #expect(try await client.request("GET", "/files/docs/a/b.md").text == "path=docs/a/b.md")
        try await server.stop()
    }

    @Test func distinguishes404From405WithAllow() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        let missing = try await client.request("GET", "/nowhere")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(missing.body)) as? [String: Any]
        #expect(problem?["status"] as? Int == 404)
        #expect(problem?["title"] as? String == "Not Found")
        #expect((problem?["detail"] as? String)?.contains("/nowhere") == true)
        #expect(problem?["type"] as? String == "about:blank")

        let wrongMethod = try await client.request("PUT", "/hello")
        #expect(wrongMethod.status == 405)
        let allow = Set((wrongMethod.header("Allow") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(allow == ["GET", "HEAD", "DELETE"])

        let options = try await client.request("OPTIONS", "/hello")
        #expect(options.status == 204)
        #expect(options.header("Allow") != nil)
        try await server.stop()
    }

    @Test func servesIPv6Loopback() async throws {
        let server = try TestServer.start(host: "::1", routes: TestRoutes.standard)
        #expect(server.address.isIPv6)
        let client = try await server.connect()
        #expect(try await client.request("GET", "/hello").text == "hello")
        try await server.stop()
    }

    @Test func bindsLoopbackByDefault() {
        #expect(Server.Configuration().host == "127.0.0.1")
    }

    @Test func turnsUnknownErrorsInto500WithoutDetails() async throws {
        struct Secret: Error { let value = "do-not-leak" }
        let server = try TestServer.start { router in
            router.add(.get, "/boom") { _ in throw Secret() }
        }
        let client = try await server.connect()
        let response = try await client.request("GET", "/boom")
        #expect(response.status == 500)
        #expect(!response.text.contains("do-not-leak"))
        #expect(try await client.request("GET", "/boom").status == 500)
        try await server.stop()
    }
}

import HTTPServer
import TestSupport
import Testing

@Suite("Expect: 100-continue")
struct ServerExpectContinueTests {
    @Test func sends100OnlyWhenTheBodyWillBeRead() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await client.readResponse()
        #expect(interim.status == 100)
        try await client.send("hello")
        let final = try await client.readResponse()
        #expect(final.status == 200)
        #expect(final.text == "hello")
        try await server.stop()
    }

    @Test func answers413EarlyWithout100() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\nExpect: 100-continue\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 413)
        #expect(await client.isClosed())
        try await server.stop()
    }

    @Test func answers401EarlyWithout100() async throws {
        let server = try TestServer.start(middleware: [BearerTokenMiddleware(token: "s3cret")], routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        try await server.stop()
    }

    @Test func answersWithout100WhenTheHandlerIgnoresTheBody() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let response = try await client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "ignored")
        // The body was never asked for, so the connection cannot be reused.
        #expect(response.header("Connection")?.lowercased() == "close")
        try await server.stop()
    }
}

@Suite("Bearer token")
struct BearerTokenTests {
    @Test func requiresTheTokenExceptOnExemptPaths() async throws {
        let server = try TestServer.start(
            middleware: [BearerTokenMiddleware(token: "s3cret", exemptRoutes: ["/hello"])],
            routes: TestRoutes.standard
        )
        let client = try await server.connect()
        #expect(try await client.request("GET", "/hello").status == 200)
        #expect(try await client.request("GET", "/items/1").status == 401)
        #expect(try await client.request("GET", "/items/1", headers: ["Authorization: Bearer wrong"]).status == 401)
        #expect(try await client.request("GET", "/items/1", headers: ["Authorization: Bearer s3cre"]).status == 401)
        #expect(try await client.request("GET", "/items/1", headers: ["Authorization: Basic czNjcmV0"]).status == 401)
        #expect(try await client.request("GET", "/items/1", headers: ["Authorization: Bearer s3cret"]).status == 200)
        #expect(try await client.request("GET", "/items/1", headers: ["authorization: bearer s3cret"]).status == 200)
        // An unknown path is not revealed to a client without the token.
        #expect(try await client.request("GET", "/nowhere").status == 401)
        try await server.stop()
    }
}

import HTTPServer
import TestSupport
import Testing

@Suite("Server timeouts")
struct ServerTimeoutTests {
    static func configure(_ configuration: inout Server.Configuration) {
        configuration.headerTimeout = .milliseconds(800)
        configuration.bodyReadTimeout = .milliseconds(800)
        configuration.idleTimeout = .milliseconds(800)
        configuration.minimumBodyBytesPerSecond = 1024
    }

    @Test func cutsOffAClientThatTricklesItsHeaders() async throws {
        let server = try TestServer.start(configure: Self.configure, routes: TestRoutes.standard)
        let slow = try await server.connect()
        let started = ContinuousClock.now
        let trickle = Task {
            // 30 seconds of trickling, were it not cut off.
            for byte in ("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 300) + "\r\n\r\n").utf8 {
                try await slow.send([byte])
                // Trickling is what is under test: the server must cut off a client this slow.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        // Meanwhile another client is served at once.
        let other = try await server.connect()
        #expect(try await other.request("GET", "/hello").status == 200)

        let response = try await slow.readResponse(timeout: .seconds(12))
        #expect(response.status == 408)
        // Cut off after the 0.8 s header timeout; the bound is loose because the machine may be busy.
        #expect(ContinuousClock.now - started < .seconds(10))
        trickle.cancel()
        try await server.stop()
    }

    @Test func cutsOffAClientThatTricklesItsBody() async throws {
        let server = try TestServer.start(configure: Self.configure, routes: TestRoutes.standard)
        let slow = try await server.connect()
        try await slow.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        let started = ContinuousClock.now
        let trickle = Task {
            for _ in 0..<300 {
                try await slow.send([UInt8(ascii: "x")])
                // Trickling is what is under test: the server must cut off a body this slow.
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let response = try await slow.readResponse(timeout: .seconds(12))
        #expect(response.status == 408)
        #expect(ContinuousClock.now - started < .seconds(10))
        trickle.cancel()
        try await server.stop()
    }

    @Test func closesAnIdleKeepAliveConnection() async throws {
        let server = try TestServer.start(configure: Self.configure, routes: TestRoutes.standard)
        let client = try await server.connect()
        #expect(try await client.request("GET", "/hello").status == 200)
        let started = ContinuousClock.now
        #expect(await client.isClosed(within: .seconds(10)))
        #expect(ContinuousClock.now - started < .seconds(10))
        try await server.stop()
    }

    @Test func a408ForAHeadThatStopsHalfway() async throws {
        let server = try TestServer.start(configure: Self.configure, routes: TestRoutes.standard)
        let client = try await server.connect()
        try await client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
        let response = try await client.readResponse(timeout: .seconds(12))
        #expect(response.status == 408)
        #expect(await client.isClosed())
        try await server.stop()
    }
}

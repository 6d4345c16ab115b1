import HTTPServer
import TestSupport
import Logging
import Synchronization
import Testing

@Suite("Connections, threads and shutdown", .serialized)
struct ServerConcurrencyTests {
    @Test func holdsAThousandIdleKeepAliveConnectionsWithoutAThreadEach() async throws {
        let server = try TestServer.start(routes: TestRoutes.standard)
        var clients: [RawClient] = []
        for _ in 0..<1000 {
            let client = try await server.connect()
            #expect(try await client.request("GET", "/hello").status == 200)
            clients.append(client)
        }
        let threads = try processThreadCount()
        #expect(threads > 0 && threads < 64, "threads: \(threads)")
        let late = try await server.connect()
        #expect(try await late.request("GET", "/hello").status == 200)
        // Every idle connection is still usable.
        #expect(try await clients[0].request("GET", "/hello").status == 200)
        #expect(try await clients[999].request("GET", "/hello").status == 200)
        clients.removeAll()
        try await server.stop()
    }

    @Test func aHandlerThatAwaitsHoldsNoThread() async throws {
        let finished = Mutex(0)
        let started = Counter()
        let server = try TestServer.start { router in
            TestRoutes.standard(&router)
            router.add(.get, "/slow") { _ in
                started.increment()
                // The wait is what is under test: a handler suspended for a while must hold no thread.
                try await Task.sleep(for: .seconds(3))
                finished.withLock { $0 += 1 }
                return .text("slow")
            }
        }
        let before = try processThreadCount()
        let slow = (0..<50).map { _ in
            Task { try await server.connect().request("GET", "/slow").text }
        }
        try await waitUntil({ started.value }, satisfies: { $0 == 50 })
        // Fifty handlers are waiting, yet a quick request is answered before any of them finishes.
        #expect(try await server.connect().request("GET", "/hello").text == "hello")
        #expect(finished.withLock { $0 } == 0)
        #expect(try processThreadCount() - before < 8)
        for task in slow { #expect(try await task.value == "slow") }
        try await server.stop()
    }

    @Test func stopFinishesInFlightRequestsAndClosesIdleConnections() async throws {
        let started = Counter()
        let server = try TestServer.start { router in
            TestRoutes.standard(&router)
            router.add(.get, "/slow") { _ in
                started.increment()
                // Slow on purpose: the request must still be in flight when the server stops.
                try await Task.sleep(for: .milliseconds(700))
                return .text("finished")
            }
        }
        let idle = try await server.connect()
        #expect(try await idle.request("GET", "/hello").status == 200)
        let busy = try await server.connect()
        try await busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil({ started.value }, satisfies: { $0 == 1 })

        server.server.stop()
        // The idle connection is closed at once; the busy one gets its answer, marked close.
        #expect(await idle.isClosed(within: .seconds(2)))
        let response = try await busy.readResponse()
        #expect(response.text == "finished")
        #expect(response.header("Connection")?.lowercased() == "close")
        try await server.task.value
        // No longer accepting.
        await #expect(throws: (any Error).self) {
            _ = try await RawClient.connect(to: server.address).request("GET", "/hello")
        }
    }

    @Test func stopCancelsRequestsThatOutliveTheGracePeriod() async throws {
        let started = Counter()
        let server = try TestServer.start(configure: { $0.shutdownGracePeriod = .milliseconds(300) }) { router in
            router.add(.get, "/forever") { _ in
                started.increment()
                // A handler that outlives the grace period is what is under test.
                try await Task.sleep(for: .seconds(60))
                return .text("never")
            }
        }
        let client = try await server.connect()
        try await client.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")
        try await waitUntil({ started.value }, satisfies: { $0 == 1 })
        let stopping = ContinuousClock.now
        try await server.stop()
        #expect(ContinuousClock.now - stopping < .seconds(3))
    }
}

/// Collects log lines in memory.
final class LogCapture: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "capture") { _ in Handler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = "\(event.level) \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))"
            capture.lines.withLock { $0.append(rendered) }
        }
    }
}

@Suite("Access log and metrics")
struct ServerAccessLogTests {
    @Test func logsOneLinePerRequestWithoutSecrets() async throws {
        let capture = LogCapture()
        let records = Mutex<[RequestRecord]>([])
        struct Observer: RequestObserver {
            let sink: @Sendable (RequestRecord) -> Void
            func requestFinished(_ record: RequestRecord) { sink(record) }
        }
        let server = try TestServer.start(
            middleware: [BearerTokenMiddleware(token: "tok-xyz")],
            observer: Observer { record in records.withLock { $0.append(record) } },
            logger: capture.logger,
            routes: TestRoutes.standard
        )
        let client = try await server.connect()
        _ = try await client.request("GET", "/items/42?api_key=sk-query-secret", headers: ["Authorization: Bearer tok-xyz", "X-Request-Id: rid-1"])
        _ = try await client.request("GET", "/nowhere", headers: ["Authorization: Bearer tok-xyz"])
        try await server.stop()

        // Method and path (request values) are metadata, for the log handler to escape; never the query.
        let lines = capture.lines.withLock { $0 }.filter { $0.hasPrefix("info request ") && $0.contains("method=GET") }
        try #require(lines.count == 2, "\(lines)")
        #expect(lines[0].contains("path=/items/42 ") && lines[0].contains("status=200"), "\(lines[0])")
        #expect(lines[0].contains("request_id=rid-1"))
        #expect(lines[1].contains("path=/nowhere ") && lines[1].contains("status=404"), "\(lines[1])")
        let everything = capture.lines.withLock { $0 }.joined(separator: "\n")
        #expect(!everything.contains("tok-xyz"))
        #expect(!everything.contains("sk-query-secret"))

        let seen = records.withLock { $0 }
        #expect(seen.map(\.status) == [200, 404])
        #expect(seen.first?.route == "/items/{id}")
        #expect(seen.first?.bytesOut == Int64("item=42 q=-".utf8.count))
    }
}

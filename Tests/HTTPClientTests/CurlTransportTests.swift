import Foundation
import HTTPClient
import Logging
import Testing
import TestSupport

/// `CurlTransport` over real loopback HTTP against a small `HTTPServer`.
@Suite("CurlTransport", .timeLimit(.minutes(1)))
struct CurlTransportTests {
    let transport = CurlTransport(
        timeouts: HTTPTimeouts(connect: .seconds(2), total: .seconds(10)),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    )

    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await transport.send(HTTPRequest(method: "GET", url: server.base + "/hello"))
        #expect(response.status == 200)
        #expect(response.header("x-custom") == "one two")
        #expect(response.header("Content-Length") == "5")
        #expect(String(decoding: response.body, as: UTF8.self) == "hello")
        #expect(response.downloadedBytes == nil)
    }

    @Test(arguments: ["POST", "PUT", "PATCH", "DELETE"])
    func bytesBodyWithMethodAndHeaders(method: String) async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let body = Array("{\"a\": 1}".utf8)
        let response = try await transport.send(HTTPRequest(
            method: method, url: server.base + "/echo",
            headers: [("Content-Type", "application/json"), ("X-Test", "yes")], body: .bytes(body)
        ))
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.header("X-Method") == method)
        #expect(response.header("X-Content-Type") == "application/json")
        #expect(response.header("X-Header") == "yes")
    }

    @Test func deleteWithoutBody() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let response = try await transport.send(HTTPRequest(method: "DELETE", url: server.base + "/thing"))
        #expect(String(decoding: response.body, as: UTF8.self) == "DELETE")
    }

    @Test func rawFileBodyStreamsFromDisk() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let content = TestServer.pattern(offset: 0, count: 3_000_000)
        let path = directory.path + "/raw.bin"
        try Data(content).write(to: URL(fileURLWithPath: path))
        let response = try await transport.send(HTTPRequest(method: "POST", url: server.base + "/echo", body: .file(path: path)))
        #expect(response.status == 200)
        #expect(response.body.count == content.count)
        #expect(response.body == content)
    }

    @Test func multipartFormStreamsFileParts() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let content = TestServer.pattern(offset: 7, count: 5_000_000)
        let path = directory.path + "/input.jsonl"
        try Data(content).write(to: URL(fileURLWithPath: path))
        let response = try await transport.send(HTTPRequest(method: "POST", url: server.base + "/form", body: .multipart([
            .text("purpose", "batch"),
            .file("file", path: path, filename: "input.jsonl", contentType: "application/jsonl"),
        ])))
        #expect(response.status == 200)
        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == [
            "field purpose=batch",
            "file file input.jsonl application/jsonl \(content.count) \(TestServer.checksum(content))",
        ])
    }

    @Test func missingUploadFileIsAFileSystemError() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        for body in [HTTPRequest.Body.file(path: "/nonexistent/x"), .multipart([.file("file", path: "/nonexistent/x", filename: "x")])] {
            let error = await #expect(throws: HTTPClientError.self) {
                try await transport.send(HTTPRequest(method: "POST", url: server.base + "/echo", body: body))
            }
            #expect(error?.kind == .fileSystem)
            #expect(error?.description.contains("/nonexistent/x") == true)
        }
    }

    @Test func downloadStreamsToTheFileAndChecksLength() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/out.bin"
        let size = 4_000_123
        let response = try await transport.download(HTTPRequest(method: "GET", url: server.base + "/bytes/\(size)"), to: target)
        #expect(response.status == 200)
        #expect(response.downloadedBytes == Int64(size))
        #expect(response.body.isEmpty)
        let written = try Data(contentsOf: URL(fileURLWithPath: target))
        #expect(Array(written) == TestServer.pattern(offset: 0, count: size))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.bin"])
    }

    @Test func brokenDownloadLeavesNoFile() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/out.bin"
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.download(HTTPRequest(method: "GET", url: server.base + "/truncated"), to: target)
        }
        #expect(error?.kind == .connectionLost)
        #expect(error?.requestSent == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func downloadOfAnErrorStatusWritesNothing() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let response = try await transport.download(HTTPRequest(method: "GET", url: server.base + "/status/404"), to: directory.path + "/x")
        #expect(response.status == 404)
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"error\":\"status 404\"}")
        #expect(response.downloadedBytes == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func reusesTheConnection() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        var ports: Set<String> = []
        for _ in 0..<5 {
            let response = try await transport.send(HTTPRequest(method: "GET", url: server.base + "/peer"))
            ports.insert(String(decoding: response.body, as: UTF8.self))
        }
        #expect(ports.count == 1)
    }

    @Test func concurrentRequestsShareTheThread() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let transport = self.transport
        let bodies = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask {
                    let response = try await transport.send(HTTPRequest(method: "GET", url: server.base + "/bytes/\(1000 + index)"))
                    return response.body.count
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(bodies.sorted() == (0..<20).map { 1000 + $0 })
    }

    @Test func totalTimeout() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        // `/sleep` answers 200 after 3 s: a timeout error (not the answer) is what proves the 300 ms limit held.
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(
                method: "GET", url: server.base + "/sleep", timeouts: HTTPTimeouts(connect: .seconds(1), total: .milliseconds(300))
            ))
        }
        #expect(error?.kind == .timeout)
        #expect(error?.requestSent == true)
    }

    @Test func lowSpeedTimeout() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        // `/slow` completes after a minute at 10 B/s: a timeout error, with most of it unsent, proves the low-speed cut.
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(
                method: "GET", url: server.base + "/slow",
                timeouts: HTTPTimeouts(total: nil, lowSpeedWindow: .seconds(1), lowSpeedBytesPerSecond: 1000)
            ))
        }
        #expect(error?.kind == .timeout)
        #expect(server.slowBytesSent.value < 600)
    }

    @Test func connectionRefused() async throws {
        // Bind a port and close it again: nothing listens there afterwards.
        let server = try TestServer.start()
        let base = server.base
        await server.stop()
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: base + "/hello"))
        }
        #expect(error?.kind == .connectionRefused)
        #expect(error?.requestSent == false)
    }

    @Test func unresolvableHost() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: "http://no-such-host.invalid/"))
        }
        #expect(error?.kind == .dns)
    }

    @Test func tlsToAPlainServerIsATLSError() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let url = server.base.replacingOccurrences(of: "http://", with: "https://") + "/hello"
        // Generous timeouts: the connect timeout covers the handshake, and under the full suite's load a
        // 2 s one could expire first and report a timeout instead of the TLS failure this test is about.
        let timeouts = HTTPTimeouts(connect: .seconds(20), total: .seconds(30))
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: url, timeouts: timeouts))
        }
        #expect(error?.kind == .tls)
    }

    @Test func malformedURL() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: "ht!tp://x"))
        }
        #expect(error?.kind == .invalidRequest)
    }

    @Test func headerInjectionIsRefused() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/", headers: [("X-A", "b\r\nX-Evil: 1")]))
        }
        #expect(error?.kind == .invalidRequest)
    }

    @Test func cancellingTheTaskAbortsASlowTransferPromptly() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let transport = self.transport
        let url = server.base + "/slow"
        let task = Task { try await transport.send(HTTPRequest(method: "GET", url: url, timeouts: HTTPTimeouts(total: nil))) }
        try await waitUntil({ server.slowBytesSent.value }, satisfies: { $0 > 0 })  // the transfer is under way
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // The transfer would take a minute; 5 s leaves room for a loaded 2-core machine running the whole suite.
        #expect(ContinuousClock.now - cancelled < .seconds(5))
        #expect(throws: HTTPClientError.self) { try result.get() }
        if case .failure(let error as HTTPClientError) = result { #expect(error.kind == .cancelled) }
    }

    @Test func cancellingADownloadLeavesNoFile() async throws {
        let server = try TestServer.start()
        defer { Task { await server.stop() } }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let transport = self.transport
        let url = server.base + "/slow"
        let target = directory.path + "/slow.bin"
        let task = Task { try await transport.download(HTTPRequest(method: "GET", url: url, timeouts: HTTPTimeouts(total: nil)), to: target) }
        try await waitUntil({ server.slowBytesSent.value }, satisfies: { $0 > 0 })  // the transfer is under way
        task.cancel()
        _ = await task.result
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        let transport = self.transport
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:1/"))
        }
        let result = await task.result
        if case .failure(let error as HTTPClientError) = result {
            #expect(error.kind == .cancelled)
        } else {
            Issue.record("expected a cancellation, got \(result)")
        }
    }
}

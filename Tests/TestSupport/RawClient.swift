import Foundation
import HTTPServer

/// One event loop for every test client in the process.
package enum TestLoop {
    package static let shared: EventLoop = {
        do { return try EventLoop() } catch { fatalError("cannot create the test event loop: \(error)") }
    }()
}

/// A response as read off the wire by `RawClient`.
package struct RawResponse: Sendable {
    package var status: Int
    package var reason: String
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// A test client that writes raw bytes on a loopback socket and parses responses by hand, so malformed
/// requests can be sent exactly as written.
package final class RawClient: @unchecked Sendable {
    // Audited: each test drives its client from one task.
    package let socket: ConnectedSocket
    private var buffer: [UInt8] = []

    package init(socket: ConnectedSocket) {
        self.socket = socket
    }

    package static func connect(to address: SocketAddress) async throws -> RawClient {
        RawClient(socket: try await ConnectedSocket.connect(to: address, loop: TestLoop.shared, deadline: .now + .seconds(5)))
    }

    deinit {
        socket.close()
    }

    package func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    package func send(_ bytes: [UInt8]) async throws {
        try await socket.write([bytes], deadline: .now + .seconds(10))
    }

    /// Sends a simple request and reads the response.
    package func request(_ method: String = "GET", _ target: String, headers: [String] = [], body: [UInt8] = []) async throws -> RawResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for header in headers { head += header + "\r\n" }
        if !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try await send(Array(head.utf8) + body)
        return try await readResponse(method: method)
    }

    /// Reads one response; HEAD responses and 1xx/204/304 have no body.
    package func readResponse(method: String = "GET", timeout: Duration = .seconds(10)) async throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        let headEnd = try await fill(until: deadline) { bytes in Self.find([13, 10, 13, 10], in: bytes) }
        let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw RawClientError.malformed(headText) }
        let headers = lines.map { line -> (String, String) in
            let parts = line.split(separator: ":", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        var response = RawResponse(status: status, reason: statusLine.count > 2 ? statusLine[2] : "", headers: headers, body: [])
        if method == "HEAD" || status < 200 || status == 204 || status == 304 { return response }
        if let length = response.header("Content-Length").flatMap(Int.init) {
            _ = try await fill(until: deadline) { $0.count >= length ? length : nil }
            response.body = Array(buffer[..<length])
            buffer.removeFirst(length)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            response.body = try await readChunked(until: deadline)
        } else {
            response.body = try await readToEnd(until: deadline)
        }
        return response
    }

    /// Everything until the server closes.
    package func readToEnd(until deadline: ContinuousClock.Instant = .now + .seconds(10)) async throws -> [UInt8] {
        while true {
            let bytes = try await socket.read(upTo: 1 << 20, deadline: deadline)
            if bytes.isEmpty { break }
            buffer += bytes
        }
        defer { buffer = [] }
        return buffer
    }

    /// Whether the server closed the connection (EOF, or a reset) within the timeout, with nothing else sent.
    package func isClosed(within timeout: Duration = .seconds(5)) async -> Bool {
        do {
            let rest = try await readToEnd(until: .now + timeout)
            return rest.isEmpty
        } catch let error as TransportError where error == .connectionReset {
            return true
        } catch {
            return false
        }
    }

    private func readChunked(until deadline: ContinuousClock.Instant) async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try await fill(until: deadline) { Self.find([13, 10], in: $0) }
            let line = String(decoding: buffer[..<lineEnd], as: UTF8.self)
            buffer.removeFirst(lineEnd + 2)
            guard let size = Int(line.split(separator: ";")[0], radix: 16) else { throw RawClientError.malformed(line) }
            if size == 0 {
                _ = try await fill(until: deadline) { Self.find([13, 10], in: $0) }
                let end = Self.find([13, 10], in: buffer)!
                buffer.removeFirst(end + 2)
                return body
            }
            _ = try await fill(until: deadline) { $0.count >= size + 2 ? size : nil }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
        }
    }

    /// Reads until `condition` finds what it needs in the buffer.
    private func fill(until deadline: ContinuousClock.Instant, _ condition: ([UInt8]) -> Int?) async throws -> Int {
        while true {
            if let found = condition(buffer) { return found }
            let bytes = try await socket.read(upTo: 1 << 20, deadline: deadline)
            if bytes.isEmpty { throw RawClientError.closed(String(decoding: buffer, as: UTF8.self)) }
            buffer += bytes
        }
    }

    package static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}

package enum RawClientError: Error {
    case closed(String)
    case malformed(String)
}

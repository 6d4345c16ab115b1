import Foundation
import Testing
@testable import HTTPServer

/// A test ran past its time budget.
struct TestTimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "test did not finish within \(seconds) s" }
}

/// Runs `body` with a fresh event loop and shuts it down afterwards, failing (and cancelling
/// `body`) if it takes longer than `seconds`, so no test can hang the suite.
func withEventLoop<Result: Sendable>(
    timeout seconds: Double = 10,
    _ body: @escaping @Sendable (EventLoop) async throws -> Result
) async throws -> Result {
    let loop = try EventLoop()
    defer { loop.shutdown() }
    return try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body(loop) }
        group.addTask {
            // A deadline racing the body, not a wait for something: whichever finishes first wins.
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw TestTimedOut(seconds: seconds)
        }
        return result
    }
}

/// A listener on `host`:0 plus one connected client/server pair.
struct SocketPair: Sendable {
    let listener: ListeningSocket
    let client: ConnectedSocket
    let server: ConnectedSocket

    static func make(on loop: EventLoop, host: String = "127.0.0.1") async throws -> SocketPair {
        let listener = try ListeningSocket(address: SocketAddress(host: host, port: 0), loop: loop)
        async let accepted = listener.accept()
        let client = try await ConnectedSocket.connect(to: listener.localAddress, loop: loop, deadline: .now + .seconds(5))
        return SocketPair(listener: listener, client: client, server: try await accepted)
    }

    func close() {
        client.close()
        server.close()
        listener.close()
    }
}

extension ConnectedSocket {
    /// Reads until `count` bytes arrived or the stream ended.
    func read(exactly count: Int, deadline: ContinuousClock.Instant? = .now + .seconds(10)) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try await read(upTo: min(65_536, count - bytes.count), deadline: deadline)
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return bytes
    }
}

/// `Threads:` of /proc/self/status.
func processThreadCount() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
        return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? -1
    }
    return -1
}

/// Deterministic, non-repeating-looking test bytes.
func patternBytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 1_664_525 &+ 1_013_904_223
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}

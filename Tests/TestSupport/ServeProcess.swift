import Foundation
import HTTPServer

/// `batch-openai serve --port 0` as a child process in a project folder, reached over loopback: the tests
/// that kill the service with `SIGKILL` and start it again on the same folders use one per life of the
/// service.
package final class ServeProcess: Sendable {
    /// The process.
    package let child: ChildProcess
    /// Where it listens (127.0.0.1 and the port it printed).
    package let address: SocketAddress

    /// Starts `serve` in `directory` (its `inputs/` and `outputs/` are the service's) with `environment` added to
    /// this process's own, less `removingEnvironment`; returns once it printed where it serves, which it does
    /// after it resumed the runs and jobs it found on disk.
    package init(in directory: String, environment: [String: String], removingEnvironment: [String] = [],
                 timeout: Duration = .seconds(60)) async throws {
        child = try ChildProcess(ChildProcess.batchOpenAIBinary, ["serve", "--port", "0", "--log-level", "info"], directory: directory,
                                 environment: environment, removingEnvironment: removingEnvironment)
        let output = try await child.waitForOutput(containing: "serving on http://", timeout: timeout)
        let line = output.split(separator: "\n").first { $0.contains("serving on http://") } ?? ""
        guard let port = line.split(separator: ":").last.flatMap({ UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw ChildProcessError.noOutput("serving on http://127.0.0.1:<port>", stdout: output, stderr: child.stderrSoFar)
        }
        address = try SocketAddress(host: "127.0.0.1", port: port)
    }

    /// Sends one request on a new connection and reads the answer within `timeout`.
    package func request(_ method: String, _ target: String, json body: String? = nil, headers: [String] = [],
                         timeout: Duration = .seconds(10)) async throws -> RawResponse {
        let client = try await RawClient.connect(to: address)
        let bytes = Array((body ?? "").utf8)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for header in headers + (body == nil ? [] : ["Content-Type: application/json"]) { head += header + "\r\n" }
        head += "Content-Length: \(bytes.count)\r\n\r\n"
        try await client.send(Array(head.utf8) + bytes)
        return try await client.readResponse(method: method, timeout: timeout)
    }

    /// Sends a request and does not wait for the answer: the connection stays open (until this process dies).
    package func send(_ method: String, _ target: String, json body: String) async throws -> RawClient {
        let client = try await RawClient.connect(to: address)
        let bytes = Array(body.utf8)
        let head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\n\r\n"
        try await client.send(Array(head.utf8) + bytes)
        return client
    }

    /// `kill -9`, and waits until the process is gone.
    @discardableResult
    package func kill9() async throws -> ProcessResult {
        child.signal(SIGKILL)
        return try await child.result(timeout: .seconds(20))
    }

    /// Stops it as a user would (SIGTERM) and waits.
    @discardableResult
    package func stop() async throws -> ProcessResult {
        child.signal(SIGTERM)
        return try await child.result(timeout: .seconds(20))
    }
}

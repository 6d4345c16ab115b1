import Foundation
import HTTPServer
import TestSupport
import Testing

/// `serve` stops through the server's own shutdown path: a SIGTERM that arrives mid-request stops new
/// connections, lets the request finish, and the process exits 0.
@Suite("serve shutdown", .serialized, .timeLimit(.minutes(2)))
struct CLIServeShutdownTests {
    let binary = ChildProcess.batchOpenAIBinary

    /// Polls `condition` until it holds, failing with what was last seen after `timeout`.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(15), _ condition: () async -> String?) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            guard let seen = await condition() else { return }
            last = seen
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessFailure("\(what) never happened; last seen: \(last)")
    }

    @Test func finishesTheRequestInFlightOnSIGTERMAndExitsZero() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let child = try ChildProcess(binary, ["serve", "--sim", "--port", "0"], directory: root.path, removingEnvironment: CommandLineTests.cleared)
        let output = try await child.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: ":").last.flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let address = try SocketAddress(host: "127.0.0.1", port: port)

        // A run-file upload, half sent: the request is in flight once the service spools its file.
        let form = APIHarness.multipart(fields: [("job_name", "shutdown")], file: ("file", "a.jsonl", Array(APIHarness.chatLines(200).utf8)))
        let half = form.body.count / 2
        let client = try await RawClient.connect(to: address)
        let head = "POST /batches/run-file HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(form.contentType)\r\n"
            + "Prefer: respond-async\r\nContent-Length: \(form.body.count)\r\n\r\n"
        try await client.send(Array(head.utf8) + Array(form.body.prefix(half)))
        let uploads = root.path + "/outputs/.uploads"
        try await Self.waitUntil("spooling") {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: uploads)) ?? []
            return names.contains { $0.hasPrefix("upload-") } ? nil : "\(names)"
        }

        child.signal(SIGTERM)
        // The stop has begun once the listener is closed: a new connection is refused.
        try await Self.waitUntil("the listener closing") {
            (try? await RawClient.connect(to: address)) == nil ? nil : "still accepting"
        }
        try await client.send(Array(form.body.dropFirst(half)))
        let response = try await client.readResponse(method: "POST", timeout: .seconds(20))
        #expect(response.status == 202, "\(response.text)")

        let result = try await child.result(timeout: .seconds(30))
        #expect(!result.terminatedBySignal)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("signal \(SIGTERM): stopping"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").contains {
            $0.contains("method=POST") && $0.contains("path=/batches/run-file ") && $0.contains("status=202")
        }, "\(result.stderr)")
    }
}

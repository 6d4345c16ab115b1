import Foundation
import HTTPServer
import TestSupport
import Testing

/// The log of the real `serve`, read from its stderr: what a request sent is escaped on one line (issue 11 §7), and
/// the access log, written off the request path, still has its last lines after a SIGTERM (issue 11 §22).
@Suite("serve log", .serialized, .timeLimit(.minutes(2)))
struct CLIServeLogTests {
    let binary = ChildProcess.batchOpenAIBinary

    @Test func requestValuesAreEscapedOnOneLineAndTheLastAccessLinesSurviveSIGTERM() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: root.path + "/inputs", withIntermediateDirectories: true)
        try Data(APIHarness.chatLines(2).utf8).write(to: URL(fileURLWithPath: root.path + "/inputs/ok.jsonl"))
        let child = try ChildProcess(binary, ["serve", "--sim", "--port", "0"], directory: root.path, removingEnvironment: CommandLineTests.cleared)
        let output = try await child.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: ":").last.flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let client = try await RawClient.connect(to: try SocketAddress(host: "127.0.0.1", port: port))

        // A job name that would forge a log line, colour the terminal and cut a C string.
        let body = #"{"input_path":"inputs/ok.jsonl","job_name":"demo\ninfo batch-openai.serve: forged\u001b[31m\u0000end"}"#
        let submitted = try await client.request("POST", "/batches", headers: ["Content-Type: application/json"], body: Array(body.utf8))
        #expect(submitted.status == 201, "\(String(decoding: submitted.body, as: UTF8.self))")
        // The last requests before the signal: every one of them must be in the access log.
        for _ in 0..<50 {
            #expect(try await client.request("GET", "/healthz%0Aforged").status == 404)
        }
        child.signal(SIGTERM)
        let result = try await child.result(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")

        let stderr = Array(result.stderr.utf8)
        #expect(!stderr.contains(0x1B) && !stderr.contains(0x00), "raw ESC or NUL reached the log")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let submittedLines = lines.filter { $0.contains("batch submitted") }
        #expect(submittedLines.count == 1, "\(lines)")
        #expect(submittedLines.first?.contains(#"job_name="demo\ninfo batch-openai.serve: forged\u001b[31m\u0000end""#) == true, "\(submittedLines)")
        #expect(!lines.contains { $0.hasPrefix("info batch-openai.serve: forged") }, "a forged line: \(lines)")
        // The path is logged decoded and escaped, as metadata: all 50, none split.
        let access = lines.filter { $0.contains(#"path=/healthz\nforged"#) && $0.contains("status=404") }
        #expect(access.count == 50, "\(lines.suffix(10))")
        #expect(!lines.contains { $0.hasPrefix("forged") })
        #expect(lines.contains { $0.contains(": request ") && $0.contains("method=POST") && $0.contains("path=/batches ") && $0.contains("status=201") }, "\(lines)")
    }
}

import Foundation
import Gzip
import TestSupport
import Testing

/// The service owns uploads from the first byte: whatever happens to a `run-file` upload, nothing of it
/// stays under outputs/ but what docs/ARCHITECTURE.md § Storage layout lists (and the empty, hidden spool folder).
@Suite("REST upload clean-up", .timeLimit(.minutes(2)))
struct UploadCleanupTests {
    /// Every regular file under outputs/, relative, hidden folders included.
    static func files(under outputs: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: outputs)
        var found: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: outputs + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(name)
            }
        }
        return found.sorted()
    }

    /// Polls until `condition` holds, failing with what was last seen after `timeout`.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: () -> [String]?) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: [String] = []
        while ContinuousClock.now < deadline {
            guard let seen = condition() else { return }
            last = seen
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HarnessFailure("\(what) never happened; last seen: \(last)")
    }

    /// Gzip bytes of a text (empty if compressing failed, which the test then notices as a wrong status).
    static func gzip(_ text: String) -> [UInt8] {
        (try? GzipCompressor.compress(Array(text.utf8))) ?? []
    }

    @Test func aClientThatLeavesMidUploadLeavesNothing() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let content = Array(APIHarness.chatLines(2000).utf8)
        let form = APIHarness.multipart(fields: [("job_name", "gone")], file: ("file", "big.jsonl", content))
        do {
            let client = try await RawClient.connect(to: harness.address)
            let head = "POST /batches/run-file HTTP/1.1\r\nHost: localhost\r\nContent-Type: \(form.contentType)\r\n"
                + "Content-Length: \(form.body.count)\r\n\r\n"
            // Half the body: the file part has begun, so the service is spooling it.
            try await client.send(Array(head.utf8) + Array(form.body.prefix(form.body.count / 2)))
            try await Self.waitUntil("spooling") {
                Self.files(under: harness.outputs).contains { $0.hasPrefix(".uploads/upload-") } ? nil : Self.files(under: harness.outputs)
            }
        }  // the client goes away here: its socket closes mid-body
        try await Self.waitUntil("clean-up") {
            let left = Self.files(under: harness.outputs)
            return left.isEmpty ? nil : left
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }.isEmpty)
    }

    @Test(arguments: [
        ("broken.jsonl.gz", [UInt8]([0x1F, 0x8B, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8]), 400),
        ("cut.jsonl.gz", [UInt8](gzip(APIHarness.chatLines(50)).dropLast(20)), 400),
        ("invalid.jsonl", Array("{\"custom_id\":\"a\"}\nnot json\n".utf8), 422),
        ("invalid.jsonl.gz", gzip("{broken\n"), 422),
    ])
    func aRefusedUploadLeavesNothing(filename: String, content: [UInt8], status: Int) async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let form = APIHarness.multipart(fields: [("job_name", "refused")], file: ("file", filename, content))
        let response = try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: \(form.contentType)"], body: form.body)
        #expect(response.status == status, "\(response.text)")
        #expect(Self.files(under: harness.outputs).isEmpty, "\(Self.files(under: harness.outputs))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }.isEmpty)
    }

    @Test func fieldsAfterTheFileAreRead() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        let boundary = "----after-the-file"
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jsonl\"\r\n\r\n".utf8)
        body += Array(APIHarness.chatLines(2).utf8) + Array("\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"poll_interval\"\r\n\r\nfast\r\n--\(boundary)--\r\n".utf8)
        let response = try await harness.request("POST", "/batches/run-file", headers: ["Content-Type: multipart/form-data; boundary=\(boundary)"], body: body)
        // `poll_interval` came after the file and was read: "fast" is refused.
        let problem = try ErrorStatusTests.problem(response, 400)
        #expect(problem["param"] as? String == "poll_interval", "\(problem)")
        #expect(Self.files(under: harness.outputs).isEmpty)
    }
}

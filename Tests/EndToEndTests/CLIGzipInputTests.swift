import Foundation
import Gzip
import TestSupport
import Testing

/// `.jsonl.gz` on the command line — `run`, `create --input`, `validate` — with the built binary, against
/// `batch-openai sim` as a child process: inflated into a temporary file, checked like any JSONL, the
/// `.gz` itself left as it was, nothing left behind.
@Suite("CLI .jsonl.gz inputs", .serialized)
struct CLIGzipInputTests {
    /// A scratch project with `inputs/` holding `files` and a private TMPDIR, so temporary files can be counted.
    private func project(_ files: [String: [UInt8]]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        for folder in ["inputs", "tmp"] {
            try FileManager.default.createDirectory(atPath: directory.path + "/" + folder, withIntermediateDirectories: true)
        }
        for (name, bytes) in files {
            try Data(bytes).write(to: URL(fileURLWithPath: directory.path + "/inputs/" + name))
        }
        return directory
    }

    private static func gzip(_ lines: [String]) throws -> [UInt8] {
        try GzipCompressor.compress(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private static func contents(_ path: String) throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    }

    @Test func runInflatesAGzipInputToDocumentsAndKeepsTheFile() async throws {
        let sim = try await CLISimulator()
        let lines = [CLI.line("zipped-1"), CLI.line("zipped-2"), CLI.line("zipped-3")]
        let compressed = try Self.gzip(lines)
        let directory = try project(["jobs.jsonl.gz": compressed])
        defer { directory.remove() }
        let environment = sim.environment.merging(["TMPDIR": directory.path + "/tmp"]) { $1 }
        let result = try await CLI.run(
            ["run", "inputs/jobs.jsonl.gz", "--job-name", "gz", "--poll-interval", "0.1"],
            environment: environment, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Checking and submitting inputs/jobs.jsonl.gz (inflated)"), "\(result.stdout)")
        #expect(result.stdout.contains(", 3 requests); results go to"), "\(result.stdout)")
        #expect(result.stdout.contains("Documents: 3 written"), "\(result.stdout)")
        let id = try #require(result.stdout.firstMatch(of: /Batch (batch_\S+) created/)).1
        let folder = directory.path + "/outputs/\(id)"
        #expect(try String(contentsOfFile: folder + "/input.jsonl", encoding: .utf8) == lines.joined(separator: "\n") + "\n")
        #expect(FileManager.default.fileExists(atPath: folder + "/docs/zipped-2.md"))
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path + "/inputs/jobs.jsonl.gz"))) == compressed)
        #expect(try Self.contents(directory.path + "/outputs").filter { $0.hasPrefix(".") }.isEmpty)

        // The same requests as plain JSONL are the same input: the batch is followed, not made again.
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory.path + "/inputs/jobs.jsonl", atomically: true, encoding: .utf8)
        let plain = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--job-name", "gz", "--poll-interval", "0.1", "--json"], environment: environment, directory: directory.path
        )
        #expect(plain.status == 0, "\(plain.stderr)")
        let report = try CLI.object(plain)
        #expect(report["reused"] as? Bool == true)
        #expect(report["succeeded"] as? Bool == true)
        #expect((report["batch"] as? [String: Any])?["id"] as? String == String(id))
        CLI.expectNoKey(result)
        try await sim.stop()
    }

    @Test func runRefusesABombABrokenFileAndBadLinesBeforeUploading() async throws {
        let sim = try await CLISimulator()
        let bomb = try GzipCompressor.compress([UInt8](repeating: 0x20, count: 201 * 1024 * 1024), level: 9)
        let complete = try Self.gzip([CLI.line("a"), CLI.line("b")])
        let directory = try project([
            "bomb.jsonl.gz": bomb,
            "truncated.jsonl.gz": Array(complete.dropLast(10)),
            "bad.jsonl.gz": try Self.gzip([CLI.line("a"), "{not json", CLI.line("a")]),
        ])
        defer { directory.remove() }
        let environment = sim.environment

        // A run takes inputs up to the job limit; set to one batch's 200 MB, the bomb is stopped at that size.
        var jobLimited = environment
        jobLimited["BATCH_OPENAI_MAX_JOB_BYTES"] = "209715200"
        let bombed = try await CLI.run(["run", "inputs/bomb.jsonl.gz"], environment: jobLimited, directory: directory.path)
        #expect(bombed.status == 1)
        #expect(bombed.stderr.contains("inputs/bomb.jsonl.gz inflates to more than 209715200 bytes"), "\(bombed.stderr)")
        let truncated = try await CLI.run(["run", "inputs/truncated.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(truncated.status == 1)
        #expect(truncated.stderr.contains("inputs/truncated.jsonl.gz is not a readable gzip file"), "\(truncated.stderr)")
        let bad = try await CLI.run(["run", "inputs/bad.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("inputs/bad.jsonl.gz:2: invalid_json_line"), "\(bad.stderr)")
        #expect(bad.stderr.contains("inputs/bad.jsonl.gz:3: duplicate_custom_id"), "\(bad.stderr)")
        #expect(bad.stderr.contains("nothing was uploaded"))
        let missing = try await CLI.run(["run", "inputs/nope.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("inputs/nope.jsonl.gz: no such file"), "\(missing.stderr)")

        let list = try await CLI.run(["list", "--json"], environment: environment)
        #expect((try CLI.object(list)["data"] as? [Any])?.isEmpty == true)
        // Nothing left: no inflated copy, no batch folder; the inputs as they were.
        #expect(try Self.contents(directory.path + "/outputs").isEmpty)
        #expect(try Self.contents(directory.path + "/inputs").sorted() == ["bad.jsonl.gz", "bomb.jsonl.gz", "truncated.jsonl.gz"])
        try await sim.stop()
    }

    @Test func createUploadsTheInflatedLines() async throws {
        let sim = try await CLISimulator()
        let directory = try project(["in.jsonl.gz": try Self.gzip([CLI.line("c1"), CLI.line("c2")])])
        defer { directory.remove() }
        let environment = sim.environment.merging(["TMPDIR": directory.path + "/tmp"]) { $1 }
        let created = try await CLI.run(["create", "--input", "inputs/in.jsonl.gz", "--json"], environment: environment, directory: directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try CLI.object(created)["id"] as? String)
        // The simulator validates what it received: a gzip body would fail the batch, the JSONL completes.
        let batch = try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100), {
            try CLI.object(try await CLI.run(["get", "--id", id, "--json"], environment: sim.environment))
        }, satisfies: { ["completed", "failed", "expired", "cancelled"].contains($0["status"] as? String ?? "") })
        #expect(batch["status"] as? String == "completed", "\(batch)")
        #expect((batch["request_counts"] as? [String: Any])?["completed"] as? Int == 2)
        #expect(try Self.contents(directory.path + "/tmp").isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/inputs/in.jsonl.gz"))

        try Data([0x1F, 0x8B, 8, 0, 1, 2, 3]).write(to: URL(fileURLWithPath: directory.path + "/inputs/broken.jsonl.gz"))
        let refused = try await CLI.run(["create", "--input", "inputs/broken.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("inputs/broken.jsonl.gz is not a readable gzip file"), "\(refused.stderr)")
        #expect(try Self.contents(directory.path + "/tmp").isEmpty)
        try await sim.stop()
    }

    @Test func validateChecksTheLinesInsideAGzipFile() async throws {
        let good = CLI.line("v1")
        let directory = try project([
            "ok.jsonl.gz": try Self.gzip([good, CLI.line("v2")]),
            "bad.jsonl.gz": try Self.gzip([good, "{broken", good]),
            "broken.jsonl.gz": Array(try Self.gzip([good]).dropLast(4)),
        ])
        defer { directory.remove() }
        let environment = ["TMPDIR": directory.path + "/tmp"]
        let ok = try await CLI.run(["validate", "inputs/ok.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("inputs/ok.jsonl.gz: valid — 2 requests to /v1/chat/completions with gpt-4o-mini"), "\(ok.stdout)")
        #expect(ok.stdout.contains("bytes inflated"))
        let json = try await CLI.run(["validate", "--json", "inputs/ok.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(json.status == 0)
        #expect(try CLI.object(json)["requests"] as? Int == 2)
        #expect(try CLI.object(json)["file"] as? String == "inputs/ok.jsonl.gz")

        let bad = try await CLI.run(["validate", "inputs/bad.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("inputs/bad.jsonl.gz:2: invalid_json_line"), "\(bad.stdout)")
        #expect(bad.stdout.contains("inputs/bad.jsonl.gz:3: duplicate_custom_id"), "\(bad.stdout)")
        let broken = try await CLI.run(["validate", "inputs/broken.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("inputs/broken.jsonl.gz is not a readable gzip file"), "\(broken.stderr)")
        let missing = try await CLI.run(["validate", "inputs/nope.jsonl.gz"], environment: environment, directory: directory.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("inputs/nope.jsonl.gz: No such file"), "\(missing.stderr)")
        #expect(try Self.contents(directory.path + "/tmp").isEmpty)
        #expect(try Self.contents(directory.path + "/inputs").count == 3)
    }
}

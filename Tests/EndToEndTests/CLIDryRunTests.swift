import Foundation
import TestSupport
import Testing

/// `batch-openai run --dry-run`: the built binary plans an input and calls no backend at all.
@Suite("CLI run --dry-run")
struct CLIDryRunTests {
    /// A scratch folder with `big.jsonl` (outside any inputs/ folder) of `count` lines over two models.
    private func project(_ count: Int, extra: [String] = []) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        let lines = (1...count).map { CLI.line("r-\($0)", model: $0 % 3 == 0 ? "gpt-4o" : "gpt-4o-mini") } + extra
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory.path + "/big.jsonl", atomically: true, encoding: .utf8)
        return directory
    }

    /// Nothing listens on the backend's port, and no key is set: a dry run never needs either.
    static let unreachable = ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1"]

    @Test func plansAgainstAnUnreachableBackendWithoutAKey() async throws {
        let directory = try project(10)
        defer { directory.remove() }
        let result = try await CLI.run(
            ["run", "big.jsonl", "--dry-run", "--max-batch-lines", "3", "--json"], environment: Self.unreachable, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try CLI.object(result)
        #expect(plan["dry_run"] as? Bool == true)
        #expect(plan["request_count"] as? Int == 10)
        let batches = try #require(plan["batches"] as? [[String: Any]])
        #expect(batches.compactMap { $0["model"] as? String } == ["gpt-4o-mini", "gpt-4o", "gpt-4o-mini", "gpt-4o-mini"])
        #expect(batches.compactMap { $0["request_count"] as? Int } == [3, 3, 3, 1])
        let models = try #require(plan["models"] as? [[String: Any]])
        #expect(models.compactMap { $0["request_count"] as? Int } == [7, 3])
        // Nothing was staged or kept in the outputs folder.
        let outputs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/outputs")) ?? []
        #expect(outputs.isEmpty, "\(outputs)")

        let text = try await CLI.run(["run", "big.jsonl", "--dry-run", "--max-batch-lines", "3"], directory: directory.path)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("big.jsonl: 10 requests"), "\(text.stdout)")
        #expect(text.stdout.contains("4 batches"))
        #expect(text.stdout.contains("gpt-4o: 1 batch, 3 requests"), "\(text.stdout)")
        #expect(text.stdout.contains("Dry run: nothing was uploaded and no batch was created."))
    }

    @Test func aBadInputListsEveryBadLineAndExits1() async throws {
        let directory = try project(3, extra: ["{broken", CLI.line("r-2")])
        defer { directory.remove() }
        let result = try await CLI.run(["run", "big.jsonl", "--dry-run"], environment: Self.unreachable, directory: directory.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("big.jsonl:4: invalid_json_line"), "\(result.stderr)")
        #expect(result.stderr.contains("big.jsonl:5: duplicate_custom_id"), "\(result.stderr)")
        #expect(result.stderr.contains("not a valid job input (2 problems"), "\(result.stderr)")
    }

    @Test(arguments: [
        (["--dry-run", "--max-batch-lines", "0"], "--max-batch-lines 0: expected 1 to 50000"),
        (["--dry-run", "--max-batch-bytes", "209715201"], "--max-batch-bytes 209715201: expected 1 to 209715200"),
        (["--dry-run", "--enqueued-tokens", "gpt-4o="], "--enqueued-tokens"),
        (["--max-batch-lines", "0"], "--max-batch-lines 0: expected 1 to 50000"),
    ])
    func planOptionsOutOfRangeAreUsageErrors(arguments: [String], message: String) async throws {
        let result = try await CLI.run(["run", "big.jsonl"] + arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func theJobLimitsComeFromTheEnvironmentAndConfigShowsThem() async throws {
        let directory = try project(4)
        defer { directory.remove() }
        let environment = Self.unreachable.merging(["BATCH_OPENAI_MAX_BATCH_LINES": "2", "BATCH_OPENAI_ENQUEUED_TOKENS": "gpt-4o=90000,2000000"]) { $1 }
        let result = try await CLI.run(["run", "big.jsonl", "--dry-run", "--json"], environment: environment, directory: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try CLI.object(result)["batches"] as? [[String: Any]])?.count == 3)
        let config = try await CLI.run(["config"], environment: environment, directory: directory.path)
        #expect(config.stdout.contains("BATCH_OPENAI_MAX_BATCH_LINES=2"))
        #expect(config.stdout.contains("BATCH_OPENAI_MAX_BATCH_BYTES=209715200"))
        #expect(config.stdout.contains("BATCH_OPENAI_MAX_JOB_BYTES=10000000000"))
        #expect(config.stdout.contains("BATCH_OPENAI_ENQUEUED_TOKENS=gpt-4o=90000,2000000"))
        let bad = try await CLI.run(["config"], environment: ["BATCH_OPENAI_ENQUEUED_TOKENS": "lots"], directory: directory.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("BATCH_OPENAI_ENQUEUED_TOKENS='lots'"), "\(bad.stderr)")
    }
}

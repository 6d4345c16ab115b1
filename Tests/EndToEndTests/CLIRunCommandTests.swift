import Foundation
import TestSupport
import Testing

/// `batch-openai run` end to end: the built binary, the simulator as a child process, real files.
@Suite("CLI run against the simulator", .serialized)
struct CLIRunCommandTests {
    /// A scratch project: `inputs/` with a request file, `outputs/` empty.
    private func project(_ lines: [String]) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/inputs", withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory.path + "/inputs/jobs.jsonl", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func runsToDocumentsWithPlainProgressLines() async throws {
        let sim = try await CLISimulator(["--request-latency", "0.05"])
        let directory = try project([CLI.line("Billing.total.m3type_business"), CLI.line("billing/overview/seg-001"), CLI.line("plain-id")])
        defer { directory.remove() }
        let result = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--job-name", "cli-e2e", "--poll-interval", "0.1", "--outputs", "out"],
            environment: sim.environment, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("Checking and submitting inputs/jobs.jsonl to "))
        #expect(result.stdout.contains(", 3 requests); results go to"), "\(result.stdout)")
        let id = try #require(result.stdout.firstMatch(of: /Batch (batch_\S+) created/)).1
        // One plain line per change (no bar, no escape codes) ending in completed.
        #expect(result.stdout.contains("] \(id) completed: 3/3 done (ok=3, fail=0)"), "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.stdout.contains("Documents: 3 written"))
        let folder = directory.path + "/out/\(id)"
        #expect(result.stdout.contains("docs:  "))
        for file in ["batch.json", "input.jsonl", "output.jsonl", "index.json",
                     "docs/Billing.total.m3type_business.business.md", "docs/billing/overview/seg-001.md",
                     "docs/billing/final.md", "docs/plain-id.md"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
        }
        CLI.expectNoKey(result)

        // The same input and job name follow the same batch; its finished run is reported, nothing is rewritten.
        let document = folder + "/docs/plain-id.md"
        let written = try FileManager.default.attributesOfItem(atPath: document)[.modificationDate] as? Date
        let again = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--job-name", "cli-e2e", "--poll-interval", "0.1", "--outputs", "out", "--json"],
            environment: sim.environment, directory: directory.path
        )
        #expect(again.status == 0, "\(again.stderr)")
        let report = try CLI.object(again)
        #expect((report["batch"] as? [String: Any])?["id"] as? String == String(id))
        #expect(report["reused"] as? Bool == true)
        #expect(report["succeeded"] as? Bool == true)
        #expect(report["docs_dir"] as? String == folder + "/docs")
        #expect(try FileManager.default.attributesOfItem(atPath: document)[.modificationDate] as? Date == written)
        let run = try #require(FileManager.default.contents(atPath: folder + "/run.json"))
        #expect(String(decoding: run, as: UTF8.self).contains("completed"))
        try await sim.stop()
    }

    @Test func anInputOverTheBatchLimitRunsAsOneJobWithOneDocsFolder() async throws {
        let sim = try await CLISimulator()
        let ids = ["Billing.total.m3type_business", "billing/overview/seg-001", "billing/overview/seg-002", "plain-a", "plain-b"]
        let directory = try project(ids.map { CLI.line($0) })
        defer { directory.remove() }
        let result = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--max-batch-lines", "2", "--poll-interval", "0.1", "--outputs", "out"],
            environment: sim.environment, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let id = try #require(result.stdout.firstMatch(of: /Job (job_[0-9a-f]+): 5 requests in 3 batches/)).1
        #expect(result.stdout.contains("completed: 5/5 done (ok=5, fail=0, missing=0), 3/3 batches"), "\(result.stdout)")
        let folder = directory.path + "/out/\(id)"
        // The segments of one process were cut across two batches; its final.md joins both.
        let final = try String(contentsOfFile: folder + "/docs/billing/final.md", encoding: .utf8)
        #expect(final.contains("segments: 2"), "\(final)")
        for file in ["job.json", "index.json", "usage.json", "docs/Billing.total.m3type_business.business.md", "docs/billing/overview/seg-001.md",
                     "docs/billing/overview/seg-002.md", "docs/plain-a.md", "docs/plain-b.md"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
        }
        let batches = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").filter { $0.hasPrefix("batch_") }
        #expect(batches.count == 3)

        // The same input again is the same job: nothing new is created.
        let again = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--max-batch-lines", "2", "--poll-interval", "0.1", "--outputs", "out", "--json"],
            environment: sim.environment, directory: directory.path
        )
        #expect(again.status == 0, "\(again.stderr)")
        let report = try CLI.object(again)
        #expect(report["job_id"] as? String == String(id))
        #expect(report["reused"] as? Bool == true)
        // The job's usage adds up its three batches: the simulator bills every request.
        let usage = try #require(report["usage"] as? [String: Any])
        #expect((usage["batches"] as? [String])?.count == 3, "\(usage)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/out").filter { $0.hasPrefix("batch_") }.count == 3)
        try await sim.stop()
    }

    @Test func printsTheResultAsJSONWithProgressOnStderr() async throws {
        let sim = try await CLISimulator()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A file outside inputs/ is copied in, never moved.
        let input = directory.path + "/elsewhere.jsonl"
        try [CLI.line("one"), CLI.line("two")].joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let result = try await CLI.run(
            ["run", input, "--poll-interval", "0.1", "--outputs", directory.path + "/outputs", "--json"],
            environment: sim.environment, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.object(result)
        #expect(report["succeeded"] as? Bool == true)
        #expect(report["requests"] as? Int == 2)
        #expect(report["processed"] as? Int == 2)
        let docs = try #require(report["docs_dir"] as? String)
        #expect(FileManager.default.fileExists(atPath: docs + "/one.md"))
        #expect(FileManager.default.fileExists(atPath: try #require(report["index_file"] as? String)))
        #expect(FileManager.default.fileExists(atPath: input))
        #expect(result.stderr.contains("completed: 2/2 done"), "\(result.stderr)")
        try await sim.stop()
    }

    @Test func noParseDownloadsOnly() async throws {
        let sim = try await CLISimulator()
        let directory = try project([CLI.line("x")])
        defer { directory.remove() }
        let result = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--no-parse", "--poll-interval", "0.1", "--json"],
            environment: sim.environment, directory: directory.path
        )
        #expect(result.status == 0, "\(result.stderr)")
        let report = try CLI.object(result)
        let folder = try #require(report["output_dir"] as? String)
        #expect(FileManager.default.fileExists(atPath: folder + "/output.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/docs"))
        #expect(report["docs_dir"] == nil)
        try await sim.stop()
    }

    @Test func invalidLinesStopBeforeAnythingIsUploaded() async throws {
        let sim = try await CLISimulator()
        let directory = try project([CLI.line("a"), #"{"custom_id":"b","method":"GET","url":"/v1/chat/completions","body":{"model":"m"}}"#])
        defer { directory.remove() }
        let result = try await CLI.run(["run", "inputs/jobs.jsonl"], environment: sim.environment, directory: directory.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("inputs/jobs.jsonl:2: "), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was uploaded"))
        let list = try await CLI.run(["list", "--json"], environment: sim.environment)
        #expect((try CLI.object(list)["data"] as? [Any])?.isEmpty == true)

        let missing = try await CLI.run(["run", "inputs/nope.jsonl"], environment: sim.environment, directory: directory.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("inputs/nope.jsonl"), "\(missing.stderr)")
        try await sim.stop()
    }

    @Test func aBatchThatFailsExits1WithItsErrors() async throws {
        let sim = try await CLISimulator(["--token-limit-failures", "1"])
        let directory = try project([CLI.line("a")])
        defer { directory.remove() }
        let result = try await CLI.run(["run", "inputs/jobs.jsonl", "--poll-interval", "0.1"], environment: sim.environment, directory: directory.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("token_limit_exceeded"), "\(result.stdout)")
        #expect(result.stderr.contains("ended failed"), "\(result.stderr)")
        try await sim.stop()
    }

    @Test func stopsFollowingAfterTheTimeoutAndSaysHowToGoOn() async throws {
        let sim = try await CLISimulator(["--request-latency", "5"])
        let directory = try project([CLI.line("slow-1"), CLI.line("slow-2")])
        defer { directory.remove() }
        let started = ContinuousClock.now
        let result = try await CLI.run(
            ["run", "inputs/jobs.jsonl", "--poll-interval", "0.2", "--timeout", "1"],
            environment: sim.environment, directory: directory.path
        )
        #expect(ContinuousClock.now - started < .seconds(8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("is still in_progress after --timeout 1 s"), "\(result.stderr)")
        #expect(result.stderr.contains("batch-openai get --id batch_"))
        try await sim.stop()
    }

    @Test func ctrlCStopsFollowingAndSaysTheBatchGoesOn() async throws {
        let sim = try await CLISimulator(["--request-latency", "5"])
        let directory = try project([CLI.line("slow")])
        defer { directory.remove() }
        let child = try ChildProcess(
            ChildProcess.batchOpenAIBinary, ["run", "inputs/jobs.jsonl", "--poll-interval", "0.1"],
            directory: directory.path, environment: sim.environment, removingEnvironment: CLI.cleared
        )
        _ = try await child.waitForOutput(containing: "in_progress")
        child.signal(SIGINT)
        let result = try await child.result(timeout: .seconds(20))
        #expect(result.status == 130)
        #expect(result.stderr.contains("Stopped following batch batch_"), "\(result.stderr)")
        #expect(result.stderr.contains("it goes on on the server"))
        try await sim.stop()
    }

    @Test func theSameCommandAfterCtrlCFollowsTheSameBatchToItsDocuments() async throws {
        let sim = try await CLISimulator(["--request-latency", "0.4"])
        let directory = try project([CLI.line("first"), CLI.line("second")])
        defer { directory.remove() }
        let arguments = ["run", "inputs/jobs.jsonl", "--job-name", "resume", "--poll-interval", "0.1"]
        let child = try ChildProcess(
            ChildProcess.batchOpenAIBinary, arguments, directory: directory.path, environment: sim.environment, removingEnvironment: CLI.cleared
        )
        let output = try await child.waitForOutput(containing: " validating")
        child.signal(SIGINT)
        #expect(try await child.result(timeout: .seconds(20)).status == 130)
        let id = try #require(output.firstMatch(of: /Batch (batch_\S+) created/)).1

        let again = try await CLI.run(arguments, environment: sim.environment, directory: directory.path)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("Following batch \(id), made earlier"), "\(again.stdout)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/outputs/\(id)/docs/second.md"))
        try await sim.stop()
    }
}

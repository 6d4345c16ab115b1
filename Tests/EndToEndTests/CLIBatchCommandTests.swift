import Foundation
import TestSupport
import Testing

/// `batch-openai sim` as a child process on a free port, for the command line to talk to over real HTTP.
final class CLISimulator: Sendable {
    /// The key the simulator demands; tests check that it never shows in any output.
    static let apiKey = "sk-cli-test-secret-0123456789"
    let child: ChildProcess
    /// `http://127.0.0.1:<port>/v1`.
    let baseURL: String

    /// Starts the simulator with zero delays unless `knobs` says otherwise.
    init(_ knobs: [String] = []) async throws {
        let defaults = ["--validation-delay", "0", "--request-latency", "0", "--finalizing-delay", "0", "--cancellation-delay", "0"]
        child = try ChildProcess(
            ChildProcess.batchOpenAIBinary,
            ["sim", "--port", "0", "--api-key", Self.apiKey, "--log-level", "warning"] + defaults + knobs,
            removingEnvironment: CLI.cleared
        )
        let output = try await child.waitForOutput(containing: "/v1\n")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("simulator listening on ") })
        baseURL = String(line.dropFirst("simulator listening on ".count))
    }

    /// The environment that points the command line at this simulator.
    var environment: [String: String] { ["OPENAI_BASE_URL": baseURL, "OPENAI_API_KEY": Self.apiKey] }

    /// Stops it with SIGTERM and waits.
    func stop() async throws {
        child.signal(SIGTERM)
        _ = try await child.result(timeout: .seconds(20))
    }
}

/// Running the built binary.
enum CLI {
    /// Variables of the outer environment that would change what these tests see.
    static let cleared = [
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "BATCH_OPENAI_HOST",
        "BATCH_OPENAI_PORT", "BATCH_OPENAI_TOKEN", "BATCH_OPENAI_OUTPUTS", "BATCH_OPENAI_INPUTS",
    ]

    /// Runs `batch-openai arguments…` in `directory` (a scratch one by default, so no ./.env is read).
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                    timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        try await ChildProcess.run(
            ChildProcess.batchOpenAIBinary, arguments, directory: directory ?? NSTemporaryDirectory(),
            environment: environment, removingEnvironment: cleared, timeout: timeout
        )
    }

    /// The JSON object a `--json` command printed.
    static func object(_ result: ProcessResult) throws -> [String: Any] {
        let data = Data(result.stdout.utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "stdout: \(result.stdout)")
    }

    /// A chat-completions request line.
    static func line(_ id: String, model: String = "gpt-4o-mini") -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"Say \#(id)"}]}}"#
    }

    /// Neither output names the key.
    static func expectNoKey(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(CLISimulator.apiKey), sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(CLISimulator.apiKey), sourceLocation: sourceLocation)
    }
}

/// Usage errors: caught before anything is sent, exit status 2, the message names the option.
@Suite("CLI usage errors")
struct CLIUsageTests {
    @Test(arguments: [
        (["list", "--limit", "0"], "--limit 0: expected a number of batches from 1 to 100"),
        (["list", "--limit", "101"], "--limit 101"),
        (["list", "--limit", "ten"], "--limit"),
        (["get"], "Missing expected argument '--id <batch_id>'"),
        (["cancel"], "Missing expected argument '--id <batch_id>'"),
        (["get", "--id", ""], "--id: expected a batch id"),
        (["get", "--id", "../etc"], "expected a batch id such as batch_abc123"),
        (["create"], "expected the requests: --requests SPEC"),
        (["create", "--requests", "user: a", "--input", "x.jsonl"], "--requests and --input both give requests"),
        (["create", "--requests", "user: Hello /// hello there"], "--requests: request 2, message 1: expected 'role: content', found 'hello there'"),
        (["create", "--requests", "robot: Hello"], "unknown role 'robot'"),
        (["create", "--requests", "system: only a system message"], "request 1: a request needs at least one user message"),
        (["create", "--input", "x.jsonl", "--model", "gpt-4o"], "--model applies to --requests and --file"),
        (["create", "--requests", "user: a", "--metadata", "novalue"], "--metadata 'novalue': expected key=value"),
        (["run", "in.jsonl", "--poll-interval", "0"], "--poll-interval 0.0: expected seconds"),
        (["run", "in.jsonl", "--timeout", "0"], "--timeout 0.0: expected a positive number"),
        (["run"], "Missing expected argument '<input.jsonl>'"),
    ])
    func exitsWith2NamingWhatWasExpected(arguments: [String], message: String) async throws {
        let result = try await CLI.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("Usage: batch-openai \(arguments[0])"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aSpecFileWithABadRequestNamesTheFileAndTheRequest() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "system: Be brief. || user: Hello\n///\nuser:\n".write(toFile: directory.path + "/requests.txt", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["create", "--file", "requests.txt"], directory: directory.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--file requests.txt: request 2, message 1: the user message is empty"), "\(result.stderr)")
    }

    @Test func helpTeachesWithExamples() async throws {
        for command in ["create", "get", "cancel", "list", "run"] {
            let help = try await CLI.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Examples:"), "\(command)")
            #expect(help.stdout.contains("batch-openai \(command) "), "\(command)")
            #expect(help.stdout.contains("--json"), "\(command)")
            #expect(help.stdout.contains("Exit status: 0"), "\(command)")
        }
        let root = try await CLI.run(["--help"])
        for command in ["create", "get", "cancel", "list", "run"] { #expect(root.stdout.contains("  \(command) ")) }
    }

    @Test func aMissingKeyOrSpecFileIsAFailureNotAUsageError() async throws {
        let noKey = try await CLI.run(["list"])
        #expect(noKey.status == 1)
        #expect(noKey.stderr.contains("OPENAI_API_KEY is not set"))
        let noFile = try await CLI.run(["create", "--file", "/nonexistent/requests.txt"], environment: ["OPENAI_API_KEY": "sk-x"])
        #expect(noFile.status == 1)
        #expect(noFile.stderr.contains("--file /nonexistent/requests.txt: no such file"), "\(noFile.stderr)")
        let gzip = try await CLI.run(["create", "--input", "requests.jsonl.gz"], environment: ["OPENAI_API_KEY": "sk-x"])
        #expect(gzip.status == 1)
        #expect(gzip.stderr.contains("requests.jsonl.gz: No such file"), "\(gzip.stderr)")
        let missing = try await CLI.run(["create", "--input", "/nonexistent/in.jsonl"], environment: ["OPENAI_API_KEY": "sk-x"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/in.jsonl: No such file"), "\(missing.stderr)")
    }
}

/// create, get, cancel and list against the simulator, through the libcurl client, as a user runs them.
@Suite("CLI batch commands against the simulator", .serialized)
struct CLIBatchCommandTests {
    /// Issue 11 §18: one default model for the CLI and REST, `BATCH_OPENAI_MODEL` (gpt-4o-mini unless set).
    @Test func createTakesItsDefaultModelFromBatchOpenAIModel() async throws {
        let sim = try await CLISimulator()
        var environment = sim.environment
        environment["BATCH_OPENAI_MODEL"] = "gpt-from-env"
        let result = try await CLI.run(["create", "--requests", "user: Hello"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Creating a batch of 1 request to /v1/chat/completions with gpt-from-env."), "\(result.stdout)")
        let named = try await CLI.run(["create", "--requests", "user: Hello", "--model", "gpt-named"], environment: environment)
        #expect(named.stdout.contains("with gpt-named."), "\(named.stdout)")
        try await sim.stop()
    }

    @Test func createsFromInlineRequestsAndPrintsTheGoExamplesFields() async throws {
        let sim = try await CLISimulator()
        let result = try await CLI.run(
            ["create", "--requests", "system: You are helpful. || user: Hello /// user: How are you?", "--metadata", "project=demo"],
            environment: sim.environment
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Creating a batch of 2 requests to /v1/chat/completions with gpt-4o-mini."))
        #expect(result.stdout.contains("Batch created."))
        for field in ["id:", "endpoint:", "created:", "status:", "input file:", "requests:", "window:", "metadata:"] {
            #expect(result.stdout.contains("  " + field), "\(field) in \(result.stdout)")
        }
        #expect(result.stdout.contains("endpoint:     /v1/chat/completions"))
        #expect(result.stdout.contains("window:       24h"))
        #expect(result.stdout.contains("project=demo"))
        #expect(result.stdout.range(of: #"created:\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, options: .regularExpression) != nil)
        // Plain lines when stdout is not a terminal.
        #expect(!result.stdout.contains("🆔"))
        CLI.expectNoKey(result)

        let id = try #require(result.stdout.firstMatch(of: /id:\s+(batch_\S+)/)).1
        let got = try await CLI.run(["get", "--id", String(id), "--json"], environment: sim.environment)
        #expect(got.status == 0, "\(got.stderr)")
        let batch = try CLI.object(got)
        #expect(batch["id"] as? String == String(id))
        #expect((batch["metadata"] as? [String: String])?["project"] == "demo")
        let counts = try #require(batch["request_counts"] as? [String: Any])
        #expect(counts["total"] as? Int == 2 || batch["status"] as? String == "validating")
        try await sim.stop()
    }

    @Test func createsFromASpecFileAndFromAJSONLFile() async throws {
        let sim = try await CLISimulator()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "system: Be brief.\n|| user: One\n///\nuser: Two\n///\nuser: Three\n".write(toFile: directory.path + "/requests.txt", atomically: true, encoding: .utf8)
        let fromFile = try await CLI.run(["create", "--file", "requests.txt", "--model", "gpt-4o", "--json"], environment: sim.environment, directory: directory.path)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let batch = try CLI.object(fromFile)
        #expect(batch["endpoint"] as? String == "/v1/chat/completions")
        #expect(batch["status"] != nil)

        try [CLI.line("a"), CLI.line("b")].joined(separator: "\n").write(toFile: directory.path + "/in.jsonl", atomically: true, encoding: .utf8)
        let fromJSONL = try await CLI.run(["create", "--input", "in.jsonl", "--json"], environment: sim.environment, directory: directory.path)
        #expect(fromJSONL.status == 0, "\(fromJSONL.stderr)")
        let second = try CLI.object(fromJSONL)
        #expect((second["id"] as? String)?.hasPrefix("batch_") == true)
        #expect(second["id"] as? String != batch["id"] as? String)

        // The input the simulator received is the one given: its lines are the results' custom_ids.
        let done = try await waitUntilTerminal(try #require(second["id"] as? String), sim: sim)
        #expect(done["status"] as? String == "completed")
        #expect((done["request_counts"] as? [String: Any])?["completed"] as? Int == 2)
        try await sim.stop()
    }

    @Test func rejectsABadJSONLWithLineNumbersAndUploadsNothing() async throws {
        let sim = try await CLISimulator()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try [CLI.line("a"), "{not json", CLI.line("a"), CLI.line("c", model: "other-model")].joined(separator: "\n")
            .write(toFile: directory.path + "/bad.jsonl", atomically: true, encoding: .utf8)
        let result = try await CLI.run(["create", "--input", "bad.jsonl"], environment: sim.environment, directory: directory.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.jsonl:2: invalid_json_line"), "\(result.stderr)")
        #expect(result.stderr.contains("bad.jsonl:3: duplicate_custom_id"), "\(result.stderr)")
        #expect(result.stderr.contains("bad.jsonl:4: "), "\(result.stderr)")
        #expect(result.stderr.contains("nothing was uploaded"))
        let list = try await CLI.run(["list", "--json"], environment: sim.environment)
        #expect((try CLI.object(list)["data"] as? [Any])?.isEmpty == true)
        try await sim.stop()
    }

    @Test func cancelsARunningBatchAndRefusesToCancelAFinishedOne() async throws {
        // Slow requests keep the batch running long enough to cancel it.
        let sim = try await CLISimulator(["--request-latency", "0.5", "--cancellation-delay", "0.1"])
        let created = try await CLI.run(["create", "--requests", "user: One /// user: Two /// user: Three", "--json"], environment: sim.environment)
        let id = try #require(try CLI.object(created)["id"] as? String)
        let cancelled = try await CLI.run(["cancel", "--id", id], environment: sim.environment)
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(cancelled.stdout.contains("Cancel requested."))
        #expect(cancelled.stdout.range(of: #"status:\s+cancell(ing|ed)"#, options: .regularExpression) != nil, "\(cancelled.stdout)")
        let ended = try await waitUntilTerminal(id, sim: sim)
        #expect(ended["status"] as? String == "cancelled")

        let again = try await CLI.run(["cancel", "--id", id], environment: sim.environment)
        #expect(again.status == 1)
        #expect(again.stderr.contains("cancel batch \(id) failed: HTTP"), "\(again.stderr)")
        CLI.expectNoKey(again)
        try await sim.stop()
    }

    @Test func listsPageByPageWithTheNextPageHint() async throws {
        let sim = try await CLISimulator()
        var ids: [String] = []
        for n in 1...3 {
            let created = try await CLI.run(["create", "--requests", "user: Request \(n)", "--json"], environment: sim.environment)
            ids.append(try #require(try CLI.object(created)["id"] as? String, "\(created.stderr)"))
        }
        let first = try await CLI.run(["list", "--limit", "2"], environment: sim.environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Listing up to 2 batches (after=)."))
        // Newest first, numbered as the Go example does.
        #expect(first.stdout.contains(" 1. id=\(ids[2]) status="), "\(first.stdout)")
        #expect(first.stdout.contains(" 2. id=\(ids[1]) status="))
        #expect(first.stdout.contains("requests(total="))
        #expect(!first.stdout.contains(ids[0]) || first.stdout.contains("--after \(ids[1])"))
        #expect(first.stdout.contains("More batches: batch-openai list --limit 2 --after \(ids[1])"), "\(first.stdout)")

        let second = try await CLI.run(["list", "--limit", "2", "--after", ids[1]], environment: sim.environment)
        #expect(second.status == 0)
        #expect(second.stdout.contains(" 1. id=\(ids[0]) "), "\(second.stdout)")
        #expect(!second.stdout.contains("More batches"))

        let json = try await CLI.run(["list", "--limit", "2", "--json"], environment: sim.environment)
        let page = try CLI.object(json)
        #expect(page["has_more"] as? Bool == true)
        #expect(page["last_id"] as? String == ids[1])
        #expect((page["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[2], ids[1]])
        try await sim.stop()
    }

    @Test func anUnknownBatchIs404WithTheServersMessageAndRequestID() async throws {
        let sim = try await CLISimulator()
        let result = try await CLI.run(["get", "--id", "batch_doesnotexist"], environment: sim.environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("get batch batch_doesnotexist failed: HTTP 404"), "\(result.stderr)")
        #expect(result.stderr.contains("batch_doesnotexist"))
        #expect(result.stderr.contains("request id "), "\(result.stderr)")
        #expect(result.stderr.contains("expected the id of an existing batch"))
        #expect(result.stdout.isEmpty)
        CLI.expectNoKey(result)
        try await sim.stop()
    }

    @Test func aWrongKeyIs401AndTheKeyIsNeverPrinted() async throws {
        let sim = try await CLISimulator()
        let wrongKey = "sk-wrong-key-do-not-print-42"
        let result = try await CLI.run(["list", "--log-level", "trace"], environment: ["OPENAI_BASE_URL": sim.baseURL, "OPENAI_API_KEY": wrongKey])
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 401"), "\(result.stderr)")
        #expect(result.stderr.contains("check OPENAI_API_KEY"))
        #expect(!result.stderr.contains(wrongKey))
        #expect(!result.stdout.contains(wrongKey))
        try await sim.stop()
    }

    @Test func readsTheBackendFromDotEnv() async throws {
        let sim = try await CLISimulator()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "OPENAI_BASE_URL=\(sim.baseURL)\nOPENAI_API_KEY=\(CLISimulator.apiKey)\nOPENAI_PROJECT_ID=proj_cli\n"
            .write(toFile: directory.path + "/.env", atomically: true, encoding: .utf8)
        let created = try await CLI.run(["create", "--requests", "user: From dotenv", "--json"], directory: directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try CLI.object(created)["id"] as? String)
        let listed = try await CLI.run(["list"], directory: directory.path)
        #expect(listed.stdout.contains(" 1. id=\(id) "), "\(listed.stdout)")
        CLI.expectNoKey(listed)
        try await sim.stop()
    }

    @Test func anUnreachableServerNamesTheBaseURL() async throws {
        let result = try await CLI.run(["get", "--id", "batch_x"], environment: ["OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-x"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach http://127.0.0.1:9/v1"), "\(result.stderr)")
    }

    /// Polls `get --json` until the batch ends (bounded).
    private func waitUntilTerminal(_ id: String, sim: CLISimulator) async throws -> [String: Any] {
        try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(100), {
            try CLI.object(try await CLI.run(["get", "--id", id, "--json"], environment: sim.environment))
        }, satisfies: { ["completed", "failed", "expired", "cancelled"].contains($0["status"] as? String ?? "") })
    }
}

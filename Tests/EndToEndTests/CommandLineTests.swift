import Foundation
import HTTPServer
import TestSupport
import Testing

/// The built `batch-openai` binary: configuration, exit codes and a graceful stop.
@Suite("Command line", .serialized)
struct CommandLineTests {
    let binary = ChildProcess.batchOpenAIBinary
    /// Variables of the outer environment that would change what these tests see.
    static let cleared = [
        "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "BATCH_OPENAI_HOST",
        "BATCH_OPENAI_PORT", "BATCH_OPENAI_TOKEN", "BATCH_OPENAI_OUTPUTS", "BATCH_OPENAI_INPUTS",
    ]

    @Test func readsDotEnvAndLetsTheEnvironmentWinWithoutShowingSecrets() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try """
        # settings for a test
        export OPENAI_API_KEY="sk-test-secret-value"
        OPENAI_BASE_URL=http://127.0.0.1:8100/v1   # the simulator
        BATCH_OPENAI_PORT=9001
        BATCH_OPENAI_OUTPUTS='out dir'
        """.write(toFile: directory.path + "/.env", atomically: true, encoding: .utf8)

        let result = try await ChildProcess.run(
            binary, ["config"], directory: directory.path,
            environment: ["BATCH_OPENAI_PORT": "9002"], removingEnvironment: Self.cleared
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OPENAI_BASE_URL=http://127.0.0.1:8100/v1"))
        #expect(result.stdout.contains("BATCH_OPENAI_PORT=9002"))
        #expect(result.stdout.contains("BATCH_OPENAI_OUTPUTS=out dir"))
        #expect(result.stdout.contains("OPENAI_API_KEY=(set, hidden)"))
        #expect(!result.stdout.contains("sk-test-secret-value"))
        #expect(!result.stderr.contains("sk-test-secret-value"))
    }

    @Test func readsTheFileNamedByEnvFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "BATCH_OPENAI_HOST=::1\n".write(toFile: directory.path + "/other.env", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(
            binary, ["config", "--env-file", directory.path + "/other.env"], removingEnvironment: Self.cleared
        )
        #expect(result.status == 0)
        #expect(result.stdout.contains("BATCH_OPENAI_HOST=::1"))

        let missing = try await ChildProcess.run(binary, ["config", "--env-file", directory.path + "/nope.env"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.env: no such file"))
    }

    @Test func stopsOnAMalformedLineNamingFileAndLine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "OPENAI_API_KEY=sk-abc\n\nTHIS LINE IS WRONG\n".write(toFile: directory.path + "/.env", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(binary, ["config"], directory: directory.path, removingEnvironment: Self.cleared)
        #expect(result.status == 1)
        #expect(result.stderr.contains(".env line 3: expected '=' after 'THIS', found 'L'"), "\(result.stderr)")
        #expect(!result.stderr.contains("sk-abc"))
    }

    @Test func usesExitCode2ForUsageErrorsAnd0ForHelp() async throws {
        let usage = try await ChildProcess.run(binary, ["serve", "--no-such-flag"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--no-such-flag"))
        let badPort = try await ChildProcess.run(binary, ["serve", "--port", "99999"])
        #expect(badPort.status == 2)
        let help = try await ChildProcess.run(binary, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("serve"))
        #expect(!help.stdout.contains("bench-server"))
    }

    @Test func servesWithATokenAndStopsGracefullyOnSIGTERM() async throws {
        let child = try ChildProcess(
            binary, ["serve", "--port", "0"],
            environment: ["BATCH_OPENAI_TOKEN": "tok-e2e"], removingEnvironment: Self.cleared
        )
        let output = try await child.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: ":").last.flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let address = try SocketAddress(host: "127.0.0.1", port: port)

        let client = try await RawClient.connect(to: address)
        #expect(try await client.request("GET", "/healthz").status == 200)
        #expect(try await client.request("GET", "/nowhere").status == 401)
        #expect(try await client.request("GET", "/nowhere", headers: ["Authorization: Bearer tok-e2e"]).status == 404)

        child.signal(SIGTERM)
        let result = try await child.result(timeout: .seconds(20))
        #expect(!result.terminatedBySignal)
        #expect(result.status == 0)
        #expect(!result.stderr.contains("tok-e2e"))
        #expect(result.stderr.contains("method=GET ms=") && result.stderr.contains("path=/healthz request_id=") && result.stderr.contains("status=200"))
    }

    @Test func refusesToStartOnAPortInUse() async throws {
        let first = try ChildProcess(binary, ["serve", "--port", "0"], removingEnvironment: Self.cleared)
        let output = try await first.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let second = try await ChildProcess.run(binary, ["serve", "--port", port], removingEnvironment: Self.cleared)
        #expect(second.status == 1)
        #expect(second.stderr.contains("Address already in use"), "\(second.stderr)")
        first.signal(SIGINT)
        #expect(try await first.result(timeout: .seconds(20)).status == 0)
    }
}

@Suite("validate command")
struct ValidateCommandTests {
    let binary = ChildProcess.batchOpenAIBinary

    @Test func reportsBadLinesWithNumbersAndExitCode1() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}"#
        try [good, "{broken", good].joined(separator: "\n").write(toFile: directory.path + "/in.jsonl", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(binary, ["validate", directory.path + "/in.jsonl"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("in.jsonl:2: invalid_json_line"))
        #expect(result.stdout.contains("in.jsonl:3: duplicate_custom_id"))

        try good.write(toFile: directory.path + "/ok.jsonl", atomically: true, encoding: .utf8)
        let ok = try await ChildProcess.run(binary, ["validate", "--json", directory.path + "/ok.jsonl"])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("\"valid\":true"))
        #expect(ok.stdout.contains("\"requests\":1"))

        let missing = try await ChildProcess.run(binary, ["validate", directory.path + "/nope.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("No such file"))
    }
}

@Suite("parse command and .env")
struct ParseCommandEnvironmentTests {
    @Test func findsTheOutputsFolderNamedInDotEnv() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let batch = directory.path + "/results/batch_env1"
        try FileManager.default.createDirectory(atPath: batch, withIntermediateDirectories: true)
        let line = ##"{"id":"r1","custom_id":"Billing.total.m3type_business","response":{"status_code":200,"request_id":"q","body":{"choices":[{"message":{"role":"assistant","content":"# Total"}}]}},"error":null}"##
        try (line + "\n").write(toFile: batch + "/output.jsonl", atomically: true, encoding: .utf8)
        try "BATCH_OPENAI_OUTPUTS=results\n".write(toFile: directory.path + "/.env", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(
            ChildProcess.batchOpenAIBinary, ["parse", "batch_env1"], directory: directory.path,
            removingEnvironment: ["BATCH_OPENAI_OUTPUTS"]
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: batch + "/docs/Billing.total.m3type_business.business.md"))
        #expect(FileManager.default.fileExists(atPath: batch + "/index.json"))
    }

    @Test func anUnknownOnlyIDExitsNonZeroAndNamesIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let batch = directory.path + "/outputs/batch_only1"
        try FileManager.default.createDirectory(atPath: batch, withIntermediateDirectories: true)
        let line = ##"{"id":"r1","custom_id":"known","response":{"status_code":200,"request_id":"q","body":{"choices":[{"message":{"role":"assistant","content":"# Known"}}]}},"error":null}"##
        try (line + "\n").write(toFile: batch + "/output.jsonl", atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(
            ChildProcess.batchOpenAIBinary, ["parse", "batch_only1", "--only", "known", "--only", "typo"], directory: directory.path,
            removingEnvironment: ["BATCH_OPENAI_OUTPUTS"]
        )
        #expect(result.status == 1)
        #expect(result.stderr.contains("'typo'") && !result.stderr.contains("'known'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: batch + "/docs"))
        #expect(!FileManager.default.fileExists(atPath: batch + "/index.json"))
    }
}

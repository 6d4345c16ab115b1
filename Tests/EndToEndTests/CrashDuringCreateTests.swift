import Foundation
import HTTPServer
import TestSupport
import Testing

/// `kill -9` while `POST /v1/batches` is in flight (the simulator answers it 4 s late, after the process is
/// gone): the restarted `serve` asked for the same run, and the same `run` command again, adopt the batch
/// the first one made instead of paying for a second.
@Suite("kill -9 during the create", .serialized, .timeLimit(.minutes(3)))
struct CrashDuringCreateTests {
    static let apiKey = "sk-crash-test-0123456789"

    /// The simulator with the next create answered 4 s late; it logs each fault it injects.
    private func slowCreateSimulator() async throws -> (child: ChildProcess, environment: [String: String]) {
        let child = try ChildProcess(ChildProcess.batchOpenAIBinary, [
            "sim", "--port", "0", "--api-key", Self.apiKey, "--log-level", "info", "--validation-delay", "0",
            "--request-latency", "0", "--finalizing-delay", "0", "--fault", "slow:4x1@POST /v1/batches",
        ], removingEnvironment: CLI.cleared)
        let output = try await child.waitForOutput(containing: "/v1\n")
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("simulator listening on ") })
        let baseURL = String(line.dropFirst("simulator listening on ".count))
        return (child, ["OPENAI_BASE_URL": baseURL, "OPENAI_API_KEY": Self.apiKey])
    }

    /// Until the simulator holds the create (asleep in its fault).
    private func waitForTheCreate(_ sim: ChildProcess) async throws {
        _ = try await waitUntil(timeout: .seconds(60), pollEvery: .milliseconds(20), { sim.stderrSoFar + sim.stdoutSoFar }, satisfies: { $0.contains("injecting fault") })
    }

    /// The ids of the batches the simulator holds, over HTTP.
    private func batches(_ environment: [String: String]) async throws -> [String] {
        let list = try await CLI.run(["list", "--limit", "100", "--json"], environment: environment)
        let data = try #require(try CLI.object(list)["data"] as? [[String: Any]], "\(list.stdout)\(list.stderr)")
        return data.compactMap { $0["id"] as? String }
    }

    private func project() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/inputs", withIntermediateDirectories: true)
        try [CLI.line("one"), CLI.line("two"), CLI.line("three")].joined(separator: "\n")
            .write(toFile: directory.path + "/inputs/jobs.jsonl", atomically: true, encoding: .utf8)
        return directory
    }

    private func startServe(in directory: String, _ environment: [String: String]) async throws -> (ChildProcess, SocketAddress) {
        let serve = try ChildProcess(ChildProcess.batchOpenAIBinary, ["serve", "--port", "0"], directory: directory,
                                     environment: environment, removingEnvironment: CLI.cleared)
        let output = try await serve.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: "\n").first { $0.contains("serving on http://") }?
            .split(separator: ":").last.flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        return (serve, try SocketAddress(host: "127.0.0.1", port: port))
    }

    @Test func serveKilledDuringTheCreateAdoptsTheBatchAfterRestart() async throws {
        let (sim, environment) = try await slowCreateSimulator()
        let directory = try project()
        defer { directory.remove() }
        let body = Array(#"{"input_path":"jobs.jsonl","job_name":"crash","poll_interval":0.1}"#.utf8)
        let head = "POST /batches/run HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"

        let (first, address) = try await startServe(in: directory.path, environment)
        let client = try await RawClient.connect(to: address)
        try await client.send(Array(head.utf8) + body)
        try await waitForTheCreate(sim)
        first.signal(SIGKILL)
        let killed = try await first.result(timeout: .seconds(20))
        #expect(killed.terminatedBySignal && killed.status == SIGKILL)
        // The simulator wakes up and makes the batch nobody hears about.
        let made = try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(200), { try await batches(environment) }, satisfies: { $0.count == 1 })

        let (second, again) = try await startServe(in: directory.path, environment)
        let response = try await RawClient.connect(to: again).request(
            "POST", "/batches/run", headers: ["Content-Type: application/json"], body: body
        )
        #expect(response.status == 200, "\(response.text)")
        let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(answer?["batch_id"] as? String == made.first)
        #expect(try await batches(environment) == made)
        second.signal(SIGTERM)
        _ = try await second.result(timeout: .seconds(20))
        sim.signal(SIGTERM)
        _ = try await sim.result(timeout: .seconds(20))
    }

    @Test func runKilledDuringTheCreateAdoptsTheBatchAndLeavesNoStagingBehind() async throws {
        let (sim, environment) = try await slowCreateSimulator()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A file outside inputs/: run copies it next to the outputs first.
        let input = directory.path + "/elsewhere.jsonl"
        try [CLI.line("one"), CLI.line("two")].joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let arguments = ["run", input, "--job-name", "crash", "--poll-interval", "0.1", "--outputs", "out"]

        let first = try ChildProcess(ChildProcess.batchOpenAIBinary, arguments, directory: directory.path,
                                     environment: environment, removingEnvironment: CLI.cleared)
        try await waitForTheCreate(sim)
        first.signal(SIGKILL)
        _ = try await first.result(timeout: .seconds(20))
        let made = try await waitUntil(timeout: .seconds(30), pollEvery: .milliseconds(200), { try await batches(environment) }, satisfies: { $0.count == 1 })
        let outputs = directory.path + "/out"
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).contains { $0.hasPrefix(".staging-") })

        let again = try await CLI.run(arguments, environment: environment, directory: directory.path)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("Batch \(made[0]) "), "\(again.stdout)")
        #expect(try await batches(environment) == made)
        // Neither run's staging, copies, lock mark or pending record is left: only the batch folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs) == made)
        sim.signal(SIGTERM)
        _ = try await sim.result(timeout: .seconds(20))
    }
}

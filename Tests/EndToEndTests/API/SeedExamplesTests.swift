import Foundation
import TestSupport
import Testing

/// The seed's examples as written (curl.exe → curl, port 8000 → the server's), with the real `curl` against
/// `batch-openai serve --sim`, in a folder laid out like the repository (inputs/sample_input.jsonl).
@Suite("seed examples", .serialized, .timeLimit(.minutes(3)))
struct SeedExamplesTests {
    let binary = ChildProcess.batchOpenAIBinary
    static let cleared = ["BATCH_OPENAI_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "BATCH_OPENAI_OUTPUTS", "BATCH_OPENAI_INPUTS", "BATCH_OPENAI_PORT"]

    /// `serve --sim --port 0` in `directory`; returns the child and its port.
    func serve(in directory: String) async throws -> (ChildProcess, String) {
        let child = try ChildProcess(binary, ["serve", "--sim", "--port", "0"], directory: directory, removingEnvironment: Self.cleared)
        let output = try await child.waitForOutput(containing: "serving on http://")
        let port = try #require(output.split(separator: "\n").first { $0.contains("serving on") }?.split(separator: ":").last)
        return (child, String(port).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `curl` with the arguments as a shell would split the seed's line.
    func curl(_ arguments: [String], in directory: String) async throws -> ProcessResult {
        try await ChildProcess.run("/usr/bin/env", ["curl", "-sS", "--fail-with-body"] + arguments, directory: directory, timeout: .seconds(60))
    }

    @Test func theSeedsCurlExamplesWorkUnchanged() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/inputs", withIntermediateDirectories: true)
        let sample = try APIHarness.sampleInput
        try sample.write(toFile: directory.path + "/inputs/sample_input.jsonl", atomically: true, encoding: .utf8)
        try sample.write(toFile: directory.path + "/inputs/payload_sada.jsonl", atomically: true, encoding: .utf8)
        let (server, port) = try await serve(in: directory.path)

        // The three examples at once: each polls every 5 s, as the seed asks.
        async let upload = curl(["-X", "POST", "http://localhost:\(port)/batches/run-file", "-H", "Accept: application/json",
                                 "-F", "file=@inputs/sample_input.jsonl", "-F", "job_name=demo", "-F", "completion_window=24h",
                                 "-F", "poll_interval=5", "-F", "do_parse=true"], in: directory.path)
        // Invoke-RestMethod -Method Post -ContentType "application/json" -Body (@{…} | ConvertTo-Json)
        let powershellBody = """
        {
            "input_path":  "inputs/sample_input.jsonl",
            "job_name":  "demo",
            "completion_window":  "24h",
            "poll_interval":  5,
            "do_parse":  true
        }
        """
        async let fromDisk = curl(["-X", "POST", "http://localhost:\(port)/batches/run", "-H", "Content-Type: application/json",
                                   "-d", powershellBody], in: directory.path)
        async let payload = curl(["-X", "POST", "http://localhost:\(port)/batches/run", "-H", "Content-Type: application/json",
                                  "-d", #"{"input_path":"inputs/payload_sada.jsonl","job_name":"sada-docs"}"#], in: directory.path)
        let results = try await [upload, fromDisk, payload]

        var ids: [String] = []
        for result in results {
            #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["status"] as? String == "completed")
            #expect(object["phase"] as? String == "completed")
            #expect(object["processed"] as? Int == 6)
            let id = try #require(object["batch_id"] as? String)
            ids.append(id)
            #expect(FileManager.default.fileExists(atPath: directory.path + "/outputs/\(id)/index.json"))
            #expect(FileManager.default.fileExists(atPath: directory.path + "/outputs/\(id)/docs/MinhaClasse.meuMetodo.m3type_business.business.md"))
        }
        // The upload and the run from disk are the same input with the same job name: one batch (idempotent submit).
        #expect(ids[0] == ids[1])
        #expect(ids[2] != ids[0])

        // The step-by-step summary of the seed, with curl: submit, status, wait, download (409 first is covered elsewhere), parse.
        let submitted = try await curl(["-X", "POST", "http://localhost:\(port)/batches", "-H", "Content-Type: application/json",
                                        "-d", #"{"input_path":"inputs/sample_input.jsonl","job_name":"steps","completion_window":"24h"}"#], in: directory.path)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(submitted.stdout.utf8)) as? [String: Any])?["batch_id"] as? String)
        #expect(try await curl(["http://localhost:\(port)/batches/\(id)/status"], in: directory.path).status == 0)
        let waited = try await curl(["-X", "POST", "http://localhost:\(port)/batches/\(id)/wait", "-H", "Content-Type: application/json",
                                     "-d", #"{"poll_interval":1}"#], in: directory.path)
        #expect(waited.stdout.contains(#""status":"completed""#), "\(waited.stdout)")
        #expect(try await curl(["-X", "POST", "http://localhost:\(port)/batches/\(id)/download"], in: directory.path).status == 0)
        let parsed = try await curl(["-X", "POST", "http://localhost:\(port)/batches/\(id)/parse", "-H", "Content-Type: application/json",
                                     "-d", #"{ "force": false, "only": ["MinhaClasse.meuMetodo.m3type_business"] }"#], in: directory.path)
        #expect(parsed.stdout.contains(#""processed":1"#), "\(parsed.stdout)")
        // A document through the files route, gzip-encoded when curl asks for it.
        let document = try await curl(["--compressed", "http://localhost:\(port)/batches/\(id)/files/index.json"], in: directory.path)
        #expect(document.stdout.contains(id))

        // The seed's troubleshooting entry: a file that is not .jsonl is refused with its message.
        try "not a request file".write(toFile: directory.path + "/inputs/notes.txt", atomically: true, encoding: .utf8)
        let refused = try await curl(["-X", "POST", "http://localhost:\(port)/batches/run-file", "-F", "file=@inputs/notes.txt"], in: directory.path)
        #expect(refused.status == 22)
        #expect(refused.stdout.contains("Invalid file format for Batch API. Must be .jsonl"))
        #expect(refused.stdout.contains(#""status":400"#))

        server.signal(SIGTERM)
        let stopped = try await server.result(timeout: .seconds(20))
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stderr.split(separator: "\n").contains {
            $0.contains("method=POST") && $0.contains("path=/batches/run-file ") && $0.contains("status=200")
        }, "\(stopped.stderr)")
    }
}

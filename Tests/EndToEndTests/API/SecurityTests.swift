import Foundation
import TestSupport
import Testing

/// Paths stay inside inputs/ and the batch's folder, the bearer token guards every route but /healthz,
/// and the API key never reaches a client.
@Suite("REST security", .timeLimit(.minutes(2)))
struct SecurityTests {
    static let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[]}}"#

    @Test func inputPathsCannotLeaveTheInputsFolder() async throws {
        let harness = try await APIHarness(inputs: ["ok.jsonl": Self.line + "\n"])
        defer { Task { await harness.stop() } }
        // A request file outside inputs/, reached by .., an absolute path and a symlink inside inputs/.
        let outside = harness.root.path + "/secret.jsonl"
        try (Self.line + "\n").write(toFile: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: harness.inputs + "/link.jsonl", withDestinationPath: outside)
        for path in ["../secret.jsonl", outside, "link.jsonl", "../inputs/../secret.jsonl", "/etc/passwd", "ok.jsonl\u{0}.txt"] {
            let body = try JSONSerialization.data(withJSONObject: ["input_path": path])
            for route in ["/batches", "/batches/run"] {
                let response = try await harness.post(route, json: String(decoding: body, as: UTF8.self))
                #expect(response.status == 400, "\(route) \(path): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { !$0.hasPrefix(".") }
        #expect(folders.isEmpty, "\(folders)")
    }

    @Test func artifactPathsCannotLeaveTheBatchFolder() async throws {
        let harness = try await APIHarness(inputs: ["ok.jsonl": Self.line + "\n"])
        defer { Task { await harness.stop() } }
        let run = try APIHarness.object(try await harness.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":0.05}"#))
        let id = try #require(run["batch_id"] as? String)
        try "top secret".write(toFile: harness.root.path + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: harness.outputs + "/\(id)/docs/escape.md", withDestinationPath: harness.root.path + "/secret.txt")
        #expect(try await harness.request("GET", "/batches/\(id)/files/index.json").status == 200)
        for target in [
            "/batches/\(id)/files/../../secret.txt",
            "/batches/\(id)/files/%2e%2e/%2e%2e/secret.txt",
            "/batches/\(id)/files/docs/..%2F..%2F..%2Fsecret.txt",
            "/batches/\(id)/files//etc/passwd",
            "/batches/\(id)/files/.uploads",
            "/batches/\(id)/files/docs/escape.md",
            "/batches/..%2F/files/secret.txt",
            "/batches/.uploads/files/x",
        ] {
            let response = try await harness.request("GET", target)
            #expect([400, 404].contains(response.status), "\(target): \(response.status) \(response.text)")
            #expect(!response.text.contains("top secret"), "\(target)")
        }
    }

    @Test func withATokenEveryRouteButHealthzNeedsIt() async throws {
        let harness = try await APIHarness(token: "tok-secret-1", inputs: ["ok.jsonl": Self.line + "\n"])
        defer { Task { await harness.stop() } }
        for (method, target) in [("GET", "/batches"), ("POST", "/batches"), ("GET", "/batches/batch_x/status"), ("POST", "/batches/run"),
                                 ("POST", "/batches/run-file"), ("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/redoc"), ("GET", "/metrics"),
                                 ("GET", "/batches/batch_x/files/index.json")] {
            let refused = try await harness.request(method, target, auth: false)
            #expect(refused.status == 401, "\(method) \(target)")
            #expect(refused.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let wrong = try await harness.request(method, target, headers: ["Authorization: Bearer tok-secret-2"], auth: false)
            #expect(wrong.status == 401, "\(method) \(target)")
            #expect(!refused.text.contains("tok-secret-1"))
        }
        #expect(try await harness.request("GET", "/healthz", auth: false).status == 200)
        // Issue 11 §8: one rule for every spelling the router sends to /healthz.
        #expect(try await harness.request("GET", "/healthz/", auth: false).status == 200)
        #expect(try await harness.request("HEAD", "/healthz/", auth: false).status == 200)
        #expect(try await harness.request("GET", "/openapi.json").status == 200)
        let run = try await harness.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":0.05}"#)
        #expect(run.status == 200, "\(run.text)")
    }

    @Test func withoutATokenTheRoutesAreOpen() async throws {
        let harness = try await APIHarness()
        defer { Task { await harness.stop() } }
        #expect(try await harness.request("GET", "/openapi.json").status == 200)
        #expect(try await harness.request("GET", "/docs").status == 200)
        #expect(try await harness.request("GET", "/redoc").header("Content-Type") == "text/html; charset=utf-8")
        #expect(try await harness.request("GET", "/metrics").status == 200)
    }

    @Test func theAPIKeyNeverReachesAResponseOrAFile() async throws {
        let key = "sk-e2e-never-shown-4242"
        let harness = try await APIHarness(simulator: { $0.apiKey = key }, inputs: ["ok.jsonl": Self.line + "\n"])
        defer { Task { await harness.stop() } }
        var texts: [String] = []
        let run = try await harness.post("/batches/run", json: #"{"input_path":"ok.jsonl","poll_interval":0.05}"#)
        #expect(run.status == 200, "\(run.text)")
        texts.append(run.text)
        let id = try #require(try APIHarness.object(run)["batch_id"] as? String)
        harness.simulator.faults.schedule([.init(.status(500), count: 5)])
        texts.append(try await harness.request("GET", "/batches/\(id)/status").text)
        texts.append(try await harness.request("GET", "/batches").text)
        texts.append(try await harness.request("GET", "/metrics").text)
        for text in texts { #expect(!text.contains(key)) }
        let enumerator = FileManager.default.enumerator(atPath: harness.outputs)
        while let name = enumerator?.nextObject() as? String {
            let path = harness.outputs + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            #expect(!String(decoding: data, as: UTF8.self).contains(key), "\(name)")
        }
    }
}

import Foundation
import OpenAISimulator
import TestSupport
import Testing

/// Whole runs over HTTP: asynchronous runs, a batch that expires with partial results, a cancelled one,
/// and a server restarted while a run waits.
@Suite("REST runs", .timeLimit(.minutes(3)))
struct RunLifecycleTests {
    @Test func respondAsyncAnswers202AndTheRunGoesOnInTheServer() async throws {
        // Validation lasts long enough that the status read right after the 202 still finds the run waiting.
        let harness = try await APIHarness(simulator: { $0.validationDelay = .seconds(3) },
                                           inputs: ["many.jsonl": APIHarness.chatLines(20)])
        defer { Task { await harness.stop() } }
        let response = try await harness.post("/batches/run", json: #"{"input_path":"many.jsonl","job_name":"async","poll_interval":0.05}"#,
                                              headers: ["Prefer: respond-async"])
        #expect(response.status == 202, "\(response.text)")
        #expect(response.header("Preference-Applied") == "respond-async")
        let body = try APIHarness.object(response)
        let id = try #require(body["batch_id"] as? String)
        let location = try #require(response.header("Location"))
        #expect(location == "/batches/\(id)/status")
        #expect(body["status_url"] as? String == location)

        let seen = try APIHarness.object(try await harness.request("GET", location))
        #expect((seen["run"] as? [String: Any])?["phase"] as? String == "waiting")
        let done = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" }
        #expect(done["status"] as? String == "completed")
        let docs = try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs")
        #expect(docs.count == 20)
    }

    @Test func aBatchThatExpiresKeepsItsPartialResults() async throws {
        // The 24 h window passes in 2 s while the 30 requests take 150 ms each (4.5 s in all): some run,
        // the rest expire. (A 0.4 s window let a loaded machine expire the batch before any request ran.)
        let harness = try await APIHarness(simulator: {
            $0.requestLatency = .milliseconds(150)
            $0.windowSpeedFactor = 86_400 / 2
        }, inputs: ["slow.jsonl": APIHarness.chatLines(30)])
        defer { Task { await harness.stop() } }
        let response = try await harness.post("/batches/run", json: #"{"input_path":"slow.jsonl","poll_interval":0.05}"#)
        #expect(response.status == 200, "\(response.text)")
        let run = try APIHarness.object(response)
        #expect(run["status"] as? String == "expired")
        let counts = try #require(run["request_counts"] as? [String: Int])
        #expect(counts["completed", default: 0] > 0)
        #expect(counts["completed", default: 0] < 30)
        #expect(run["phase"] as? String == "completed", "\(run)")
        let id = try #require(run["batch_id"] as? String)
        // Every request is accounted for: in the output, in the errors (expired), or reported missing.
        let output = try String(contentsOfFile: harness.outputs + "/\(id)/output.jsonl", encoding: .utf8)
        let errors = (try? String(contentsOfFile: harness.outputs + "/\(id)/errors.jsonl", encoding: .utf8)) ?? ""
        let missing = (run["missing_custom_ids"] as? [String]) ?? []
        let accounted = output.split(separator: "\n").count + errors.split(separator: "\n").count + missing.count
        #expect(accounted == 30)
        #expect(run["processed"] as? Int == counts["completed"])
    }

    @Test func aCancelledBatchDownloadsWhatRan() async throws {
        let harness = try await APIHarness(simulator: {
            $0.requestLatency = .milliseconds(40)
            $0.cancellationDelay = .milliseconds(100)
        }, inputs: ["cancel.jsonl": APIHarness.chatLines(60)])
        defer { Task { await harness.stop() } }
        let submitted = try APIHarness.object(try await harness.post("/batches", json: #"{"input_path":"cancel.jsonl"}"#))
        let id = try #require(submitted["batch_id"] as? String)
        _ = try await harness.waitForStatus(id) { (($0["request_counts"] as? [String: Int])?["completed"] ?? 0) >= 3 }
        let cancelling = try await harness.post("/batches/\(id)/cancel")
        #expect(cancelling.status == 200, "\(cancelling.text)")
        #expect(["cancelling", "cancelled"].contains(try APIHarness.object(cancelling)["status"] as? String))
        let waited = try APIHarness.object(try await harness.post("/batches/\(id)/wait", json: #"{"poll_interval":0.05}"#))
        #expect(waited["status"] as? String == "cancelled")
        #expect(waited["cancelled_at"] is Int)

        let download = try APIHarness.object(try await harness.post("/batches/\(id)/download"))
        #expect(download["output_file"] is String, "\(download)")
        let parsed = try APIHarness.object(try await harness.post("/batches/\(id)/parse"))
        #expect((parsed["processed"] as? Int ?? 0) >= 3)
        #expect((parsed["processed"] as? Int ?? 60) < 60)
        // Cancelling a finished batch is the backend's refusal, not a server error.
        let again = try await harness.post("/batches/\(id)/cancel")
        #expect([200, 409].contains(again.status), "\(again.text)")
    }

    @Test func aServerRestartedDuringWaitFinishesTheRun() async throws {
        // Validation lasts long enough for the status check and the restart to land while the run waits.
        let harness = try await APIHarness(simulator: {
            $0.validationDelay = .seconds(3)
            $0.requestLatency = .milliseconds(10)
        }, inputs: ["restart.jsonl": APIHarness.chatLines(40)])
        defer { Task { await harness.stop() } }
        let started = try await harness.post("/batches/run", json: #"{"input_path":"restart.jsonl","job_name":"restart","poll_interval":0.05}"#,
                                             headers: ["Prefer: respond-async"])
        #expect(started.status == 202, "\(started.text)")
        let id = try #require(try APIHarness.object(started)["batch_id"] as? String)
        let waiting = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/status"))
        #expect((waiting["run"] as? [String: Any])?["phase"] as? String == "waiting")

        try await harness.restartAPI()

        let done = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" }
        #expect(done["status"] as? String == "completed")
        let docs = try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs")
        #expect(docs.count == 40)
        // Not submitted again: one batch folder for this input and job name.
        let folders = try FileManager.default.contentsOfDirectory(atPath: harness.outputs).filter { $0.hasPrefix("batch_") }
        #expect(folders == [id])
        // And the same run again is the same batch.
        let again = try APIHarness.object(try await harness.post("/batches/run", json: #"{"input_path":"restart.jsonl","job_name":"restart","poll_interval":0.05}"#))
        #expect(again["batch_id"] as? String == id)
        #expect(again["reused"] as? Bool == true)
    }
}

/// A restart while the results download: the new server finishes the run, and the files are the backend's, byte for byte.
@Suite("REST restart during download", .timeLimit(.minutes(2)))
struct RestartDuringDownloadTests {
    @Test func aServerRestartedDuringDownloadFinishesWithIdenticalFiles() async throws {
        let harness = try await APIHarness(inputs: ["download.jsonl": APIHarness.chatLines(200)])
        defer { Task { await harness.stop() } }
        // The first file request of the download hangs for a while, so the restart lands in the middle of it.
        harness.simulator.faults.schedule([ScheduledFault(.slow(.seconds(3)), count: 1, method: "GET", pathPrefix: "/v1/files/")])
        let started = try await harness.post("/batches/run", json: #"{"input_path":"download.jsonl","poll_interval":0.05}"#,
                                             headers: ["Prefer: respond-async"])
        #expect(started.status == 202, "\(started.text)")
        let id = try #require(try APIHarness.object(started)["batch_id"] as? String)
        _ = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "downloading" }
        // The download's first file request is the one that hangs.
        try await waitUntil({ harness.simulator.faults.injectedCount }, satisfies: { $0 == 1 })
        let before = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/status"))
        #expect((before["run"] as? [String: Any])?["phase"] as? String == "downloading", "the restart must land in the download")
        try await harness.restartAPI()

        let done = try await harness.waitForStatus(id) { ($0["run"] as? [String: Any])?["phase"] as? String == "completed" }
        let outputFileID = try #require(done["output_file_id"] as? String)
        // What the backend holds, fetched directly from the simulator.
        let client = try await RawClient.connect(to: harness.simulatorAddress)
        let original = try await client.request("GET", "/v1/files/\(outputFileID)/content", headers: ["Authorization: Bearer \(APIHarness.anyKey)"])
        #expect(original.status == 200)
        let downloaded = try Data(contentsOf: URL(fileURLWithPath: harness.outputs + "/\(id)/output.jsonl"))
        #expect(Array(downloaded) == original.body)
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.outputs + "/\(id)/docs").count == 200)
        let index = try APIHarness.object(try await harness.request("GET", "/batches/\(id)/files/index.json"))
        #expect(index["processed"] as? Int == 200)
    }
}

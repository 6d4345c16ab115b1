import BatchService
import Foundation
import TestSupport
import Testing

/// Usage and cost end to end: a run against the simulator over real HTTP writes `usage.json` whose tokens
/// are the sum of the output lines' `usage`, the REST answers carry it, and `/metrics` counts it once.
@Suite("REST usage and cost", .timeLimit(.minutes(3)))
struct UsageRunTests {
    /// Sums `usage` of every line of an output file, by the body's model, as a client would.
    static func summed(_ output: String) throws -> [String: (input: Int, cached: Int, output: Int, reasoning: Int, requests: Int)] {
        var sums: [String: (input: Int, cached: Int, output: Int, reasoning: Int, requests: Int)] = [:]
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let body = try #require((object["response"] as? [String: Any])?["body"] as? [String: Any])
            let model = try #require(body["model"] as? String)
            let usage = try #require(body["usage"] as? [String: Any])
            var sum = sums[model] ?? (0, 0, 0, 0, 0)
            sum.input += usage["prompt_tokens"] as? Int ?? 0
            sum.cached += (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int ?? 0
            sum.output += usage["completion_tokens"] as? Int ?? 0
            sum.reasoning += (usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int ?? 0
            sum.requests += 1
            sums[model] = sum
        }
        return sums
    }

    @Test func aRunWritesUsageJSONThatSumsTheOutputAndTheAnswerAndMetricsShowIt() async throws {
        let harness = try await APIHarness(inputs: ["priced.jsonl": APIHarness.chatLines(12)])
        defer { Task { await harness.stop() } }
        let response = try await harness.post("/batches/run", json: #"{"input_path":"priced.jsonl","job_name":"usage","poll_interval":0.05}"#)
        #expect(response.status == 200, "\(response.text)")
        let run = try APIHarness.object(response)
        let id = try #require(run["batch_id"] as? String)
        let folder = harness.outputs + "/" + id

        let sums = try Self.summed(try String(contentsOfFile: folder + "/output.jsonl", encoding: .utf8))
        #expect(sums.count == 1)
        let (model, sum) = try #require(sums.first)
        #expect(sum.requests == 12)
        #expect(sum.input > 0 && sum.output > 0)

        let stored = try Data(contentsOf: URL(fileURLWithPath: folder + "/usage.json"))
        let file = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        for usage in [file, try #require(run["usage"] as? [String: Any])] {
            #expect(usage["batches"] as? [String] == [id])
            let models = try #require(usage["models"] as? [[String: Any]])
            #expect(models.count == 1)
            #expect(models[0]["model"] as? String == model)
            #expect(models[0]["requests"] as? Int == 12)
            #expect(models[0]["input_tokens"] as? Int == sum.input)
            #expect(models[0]["cached_input_tokens"] as? Int == sum.cached)
            #expect(models[0]["output_tokens"] as? Int == sum.output)
            #expect(models[0]["reasoning_tokens"] as? Int == sum.reasoning)
            let expected = try #require(PriceTable.standard.price(of: model)).price.cost(of: UsageTokens(input: sum.input, cachedInput: sum.cached, output: sum.output))
            #expect(models[0]["cost_usd"] as? Double == expected)
            #expect((usage["total"] as? [String: Any])?["cost_usd"] as? Double == expected)
        }

        let metrics = try await harness.request("GET", "/metrics").text
        let inputLine = "batch_openai_tokens_total{model=\"\(model)\",kind=\"input\"} \(sum.input)"
        #expect(metrics.contains(inputLine), "\(metrics)")
        #expect(metrics.contains("batch_openai_tokens_total{model=\"\(model)\",kind=\"output\"} \(sum.output)"))
        #expect(metrics.contains("batch_openai_tokens_total{model=\"\(model)\",kind=\"reasoning\"} \(sum.reasoning)"))
        #expect(metrics.contains("batch_openai_cost_usd_total{model=\"\(model)\"} "))

        // The same run again (reused) and a second download answer with the same usage and count nothing twice.
        let again = try APIHarness.object(try await harness.post("/batches/run", json: #"{"input_path":"priced.jsonl","job_name":"usage","poll_interval":0.05}"#))
        #expect(again["reused"] as? Bool == true)
        #expect((again["usage"] as? [String: Any])?["total"] as? [String: Any] != nil)
        let download = try await harness.post("/batches/\(id)/download")
        #expect(download.status == 200, "\(download.text)")
        let downloaded = try #require(try APIHarness.object(download)["usage"] as? [String: Any])
        #expect(((downloaded["models"] as? [[String: Any]])?.first)?["input_tokens"] as? Int == sum.input)
        let after = try await harness.request("GET", "/metrics").text
        #expect(after.contains(inputLine), "\(after)")
    }
}

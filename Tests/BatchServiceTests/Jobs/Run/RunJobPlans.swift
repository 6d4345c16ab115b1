import BatchService
import Foundation
import Testing

/// Hand-made job plans for the driver's tests (the planner is not under test here): part files of chat
/// lines written into a staging folder, and the `JobPlan` that names them.
enum RunJobPlans {
    /// A request line whose answer the in-memory backend and the simulator both give.
    static func line(_ id: String, model: String = "gpt-4o-mini") -> String {
        #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"Explain \#(id)"}]}}"#
    }

    /// Writes `parts` (each a list of custom_ids) as `parts/0000.jsonl` … under `folder` and returns the plan;
    /// each line counts `tokensPerLine` input tokens.
    static func make(in folder: String, jobID: String = "job_0123456789abcdef", parts: [[String]], model: String = "gpt-4o-mini",
                     tokensPerLine: Int = 10, limits: JobLimits = JobLimits()) throws -> JobPlan {
        try FileManager.default.createDirectory(atPath: folder + "/parts", withIntermediateDirectories: true)
        var planned: [JobPart] = []
        var firstLine = 1
        var bytes: Int64 = 0
        for (index, ids) in parts.enumerated() {
            let text = ids.map { line($0, model: model) }.joined(separator: "\n") + "\n"
            let file = "parts/" + String(format: "%04d", index) + ".jsonl"
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + file))
            planned.append(JobPart(
                index: index, model: model, requestCount: ids.count, byteCount: Int64(text.utf8.count),
                sha256: String(repeating: "0", count: 64), inputTokens: ids.count * tokensPerLine, exactTokens: false,
                outputTokenCeiling: nil, firstLine: firstLine, file: file
            ))
            firstLine += ids.count
            bytes += Int64(text.utf8.count)
        }
        return JobPlan(jobID: jobID, jobName: "test", inputSHA256: String(repeating: "a", count: 64), endpoint: "/v1/chat/completions",
                       requestCount: firstLine - 1, byteCount: bytes, limits: limits, parts: planned)
    }

    /// `count` ids `prefix-1` … split into parts of `perPart`.
    static func ids(_ count: Int, perPart: Int, prefix: String = "r") -> [[String]] {
        stride(from: 1, through: count, by: perPart).map { start in
            (start...min(count, start + perPart - 1)).map { "\(prefix)-\($0)" }
        }
    }

    /// A job's `index.json`, decoded.
    static func index(_ outputDirectory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: outputDirectory + "/index.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The items of a job's `index.json` by custom_id.
    static func items(_ outputDirectory: String) throws -> [String: [String: Any]] {
        let items = try index(outputDirectory)["items"] as? [[String: Any]] ?? []
        return Dictionary(items.map { ($0["custom_id"] as? String ?? "", $0) }, uniquingKeysWith: { $1 })
    }
}

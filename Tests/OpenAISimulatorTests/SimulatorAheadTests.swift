import Foundation
import JSON
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// Zero-latency batches with the default responder are worked out ahead, chunk by chunk over the
/// cores: the files must be exactly those of answering line by line, and a stop midway must still
/// list every line once, in order.
@Suite struct SimulatorAheadTests {
    /// The default responder without its permission to answer ahead: the one-by-one path.
    struct OneByOne: Responder {
        let inner = TemplateResponder()
        var billsWithTokenCounter: Bool { inner.billsWithTokenCounter }
        func respond(endpoint: String, body: JSONValue) async -> ResponderResult {
            await inner.respond(endpoint: endpoint, body: body)
        }
    }

    /// A file's bytes with the random ids blanked.
    static func normalized(_ text: String) -> String {
        text.replacing(/batch_req_[0-9a-f]{32}/, with: "batch_req_X").replacing(/"req_[0-9a-f]{32}"/, with: "\"req_X\"")
    }

    static func prompt(_ index: Int) -> String {
        switch index % 5 {
        case 0: "Draw a diagram of Topic\(index)"
        case 1: "# Heading \(index)\n- first point\n- second point é\n\nmore text " + String(repeating: "word ", count: index % 300)
        case 2: String(repeating: "Explain topic \(index). ", count: 1 + index % 90)
        default: "Explain topic \(index)"
        }
    }

    func run(_ responder: any Responder, _ content: String) async throws -> (Batch, output: String, errors: String) {
        let harness = try SimulatorHarness.start({
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [500, 429, 400]
        }, responder: responder)
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(content)
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        let output = try await harness.request("GET", "/v1/files/\(try #require(batch.outputFileID))/content").text
        let errors = try await harness.request("GET", "/v1/files/\(try #require(batch.errorFileID))/content").text
        return (batch, Self.normalized(output), Self.normalized(errors))
    }

    @Test func aheadGivesTheFilesOfOneByOne() async throws {
        #expect(TemplateResponder().answersAhead)
        #expect(!OneByOne().answersAhead)
        // Three chunks and a part, with failures injected by line number.
        let content = SimulatorHarness.chatLines(2 * BatchProcessor.aheadChunkLines + 300, prompt: Self.prompt)
        let ahead = try await run(TemplateResponder(), content)
        let oneByOne = try await run(OneByOne(), content)
        #expect(ahead.0.status == .completed)
        #expect(ahead.0.requestCounts == oneByOne.0.requestCounts)
        #expect(ahead.0.usage == oneByOne.0.usage)
        #expect(ahead.output == oneByOne.output)
        #expect(ahead.errors == oneByOne.errors)
        #expect(ahead.output.split(separator: "\n").count + ahead.errors.split(separator: "\n").count == 2 * BatchProcessor.aheadChunkLines + 300)
    }

    /// Lines as people and other tools write them: the ahead path reads most chat lines from their
    /// bytes (spans found by the validator's scan) and must give exactly what reading them as JSON gives.
    static let oddLines: [String] = [
        ##"{"custom_id":"crlf","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"ends in CR LF"}]}}"## + "\r",
        ##"{"custom_id":"esc","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"# Title\n- a \"quoted\" point\t\\ back\/slash\r\nline"}]}}"##,
        ##"{"custom_id":"uni","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \ud83d\ude00 and a diagram"}]}}"##,
        ##"{"custom_id":"id-\u0041","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"escaped id"}]}}"##,
        ##"{"custom_id":"multi","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"system","content":"Draw PlantUML."},{"role":"user","content":"Orders and Payments"},{"role":"assistant","content":"ok"}]}}"##,
        ##"{"custom_id":"norole","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"content":"no role here"}]}}"##,
        ##"{"custom_id":"parts","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"part one"},{"type":"text","text":"part two"}]}]}}"##,
        ##"{"custom_id":"nullcontent","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":null}]}}"##,
        ##"{"custom_id":"twice","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"first","content":"second"}]}}"##,
        ##"{"custom_id":"empty","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[]}}"##,
        ##"{"custom_id":"notarray","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":"hello"}}"##,
        ##"{"custom_id":"nomessages","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}"##,
        ##" { "body" : { "messages" : [ { "content" : "spaced out" , "role" : "user" } ] , "model" : "m" } , "url" : "/v1/chat/completions" , "method" : "POST" , "custom_id" : "spaced" } "##,
        ##"{"custom_id":"utf8","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"é ü 中文 🙂 raw UTF-8"}]}}"##,
    ]

    @Test func aheadReadsOddLinesAsOneByOneDoes() async throws {
        // Repeated past a chunk, the last line without its newline.
        let lines = (0..<(BatchProcessor.aheadChunkLines / Self.oddLines.count + 2)).flatMap { round in
            Self.oddLines.map { $0.replacing(#""custom_id":""#, with: #""custom_id":"\#(round)-"#).replacing(#""custom_id" : ""#, with: #""custom_id" : "\#(round)-"#) }
        }
        let content = lines.joined(separator: "\n")
        let ahead = try await run(TemplateResponder(), content)
        let oneByOne = try await run(OneByOne(), content)
        #expect(ahead.0.status == .completed)
        #expect(ahead.0.requestCounts == oneByOne.0.requestCounts)
        #expect(ahead.0.requestCounts?.total == lines.count)
        #expect(ahead.0.usage == oneByOne.0.usage)
        #expect(ahead.output == oneByOne.output)
        #expect(ahead.errors == oneByOne.errors)
    }

    @Test func aBadLastLineRunsNothingOfWhatWasWorkedOutDuringValidation() async throws {
        // Lines are worked out ahead while the file is validated: a bad line at the end must
        // still fail the batch with nothing run, counted or written.
        let lines = SimulatorHarness.chatLines(4 * BatchProcessor.aheadChunkLines, prompt: Self.prompt)
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(lines + "{not json\n")
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .failed)
        #expect(batch.inProgressAt == nil)
        #expect(batch.outputFileID == nil && batch.errorFileID == nil)
        #expect(batch.requestCounts?.completed ?? 0 == 0 && batch.requestCounts?.failed ?? 0 == 0)
        let errors = try #require(batch.errors?.data)
        #expect(errors.map(\.line) == [4 * BatchProcessor.aheadChunkLines + 1])
        #expect(errors.first?.code == "invalid_json_line")
    }

    @Test func longLinesMakeShorterChunks() async throws {
        // 40 lines of ~300 KB: chunks end on the byte bound, not the line count.
        let content = SimulatorHarness.chatLines(40) { "Explain topic \($0). " + String(repeating: "x", count: 300_000) }
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(content)
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        let output = try await harness.content(try #require(batch.outputFileID))
        #expect(output.map(\.customID) == (1...40).map { "request-\($0)" })
        #expect(output.allSatisfy { $0.response?.body["usage"]?["prompt_tokens"]?.intValue ?? 0 > 75_000 })
    }

    /// Every line once, results then the lines that never ran, each group in input order.
    static func checkAccounted(_ output: [BatchResultLine], _ errors: [BatchResultLine], total: Int, code: String) {
        let done = output.map(\.customID)
        #expect(done == (0..<done.count).map { "request-\($0 + 1)" })
        #expect(errors.map(\.customID) == (done.count..<total).map { "request-\($0 + 1)" })
        #expect(errors.allSatisfy { $0.error?.code == code && $0.response == nil })
    }

    @Test func expiryMidwayListsTheRestInOrder() async throws {
        let clock = ManualSimulatorClock()
        let harness = try SimulatorHarness.start(clock: clock)
        defer { Task { try await harness.stop() } }
        let total = 40_000
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(total))
        let created = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 100 }
        clock.advance(by: 86_400)
        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .expired)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count >= 100 && output.count < total)
        Self.checkAccounted(output, errors, total: total, code: "batch_expired")
        #expect(batch.requestCounts == BatchRequestCounts(total: total, completed: output.count, failed: errors.count))
    }

    @Test func cancelMidwayListsTheRestInOrder() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let total = 40_000
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(total))
        let created = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 100 }
        _ = try await harness.json(Batch.self, "POST", "/v1/batches/\(created.id)/cancel")
        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .cancelled)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count >= 100 && output.count < total)
        Self.checkAccounted(output, errors, total: total, code: "batch_cancelled")
        #expect(batch.requestCounts == BatchRequestCounts(total: total, completed: output.count, failed: errors.count))
    }
}

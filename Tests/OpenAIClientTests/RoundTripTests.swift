import Foundation
import OpenAIClient
import Testing

/// Every `BatchBackend` operation against the simulator over real HTTP through libcurl.
@Suite("OpenAI round trip", .timeLimit(.minutes(1)))
struct RoundTripTests {
    @Test func uploadCreateWaitDownloadDelete() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let input = try fixture.writeInput(3)

        let file = try await openai.uploadFile(path: input, filename: "input.jsonl", purpose: "batch")
        #expect(file.id.hasPrefix("file-"))
        #expect(file.purpose == "batch")
        let size = try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int
        #expect(file.bytes == size)
        let retrieved = try await openai.retrieveFile(id: file.id)
        #expect(retrieved.id == file.id && retrieved.filename == "input.jsonl")

        let created = try await openai.createBatch(CreateBatchRequest(
            inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: ["job": "round-trip"],
            outputExpiresAfter: ExpiresAfter(seconds: 7200)
        ))
        #expect(created.inputFileID == file.id)
        #expect(created.metadata?["job"] == "round-trip")
        #expect(created.metadata?[OpenAI.submissionMetadataKey]?.count == 32)

        let done = try await fixture.waitForTerminal(openai, created.id)
        #expect(done.status == .completed)
        #expect(done.requestCounts?.completed == 3)
        let outputID = try #require(done.outputFileID)

        // output_expires_after reached the server: the output file expires two hours after it was made.
        let outputFile = try await openai.retrieveFile(id: outputID)
        #expect(outputFile.purpose == "batch_output")
        #expect(outputFile.expiresAt == outputFile.createdAt + 7200)

        let target = fixture.directory.path + "/output.jsonl"
        let written = try await openai.downloadFileContent(id: outputID, to: target)
        let content = try String(contentsOfFile: target, encoding: .utf8)
        #expect(Int64(content.utf8.count) == written)
        let lines = content.split(separator: "\n")
        #expect(lines.count == 3)
        let results = try lines.map { try JSONDecoder().decode(BatchResultLine.self, from: Data($0.utf8)) }
        #expect(Set(results.map(\.customID)) == ["request-1", "request-2", "request-3"])
        #expect(results.allSatisfy { $0.isSuccess })
        // Nothing but the file is left behind (no temporary names).
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).sorted()
        #expect(left == ["input.jsonl", "output.jsonl"])

        let page = try await openai.listBatches(after: nil, limit: 10)
        #expect(page.data.map(\.id).contains(created.id))

        let deleted = try await openai.deleteFile(id: outputID)
        #expect(deleted.deleted && deleted.id == outputID)
        await #expect(throws: OpenAIError.self) { try await openai.retrieveFile(id: outputID) }
    }

    @Test func localFileProblemsAreInvalidRequests() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let missing = await #expect(throws: OpenAIError.self) {
            try await openai.uploadFile(path: fixture.directory.path + "/missing.jsonl", filename: "missing.jsonl", purpose: "batch")
        }
        #expect(missing?.kind == .invalidRequest)
        #expect(missing?.message.contains("missing.jsonl") == true)
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        let unwritable = await #expect(throws: OpenAIError.self) {
            try await openai.downloadFileContent(id: file.id, to: fixture.directory.path + "/no/such/dir/out.jsonl")
        }
        #expect(unwritable?.kind == .invalidRequest)
    }

    @Test func cancelAndListWithPagination() async throws {
        let fixture = try SimulatorFixture.start { $0.requestLatency = .seconds(1) }
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let input = try fixture.writeInput(2)
        let file = try await openai.uploadFile(path: input, filename: "input.jsonl", purpose: "batch")
        var ids: [String] = []
        for _ in 0..<3 {
            ids.append(try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions")).id)
        }
        let cancelled = try await openai.cancelBatch(id: ids[0])
        #expect(cancelled.status == .cancelling || cancelled.status == .cancelled)

        // Newest first, two per page.
        let first = try await openai.listBatches(after: nil, limit: 2)
        #expect(first.data.map(\.id) == [ids[2], ids[1]])
        #expect(first.hasMore)
        let second = try await openai.listBatches(after: first.lastID, limit: 2)
        #expect(second.data.map(\.id) == [ids[0]])
        #expect(!second.hasMore)
        let final = try await fixture.waitForTerminal(openai, ids[0])
        #expect(final.status == .cancelled)
    }
}

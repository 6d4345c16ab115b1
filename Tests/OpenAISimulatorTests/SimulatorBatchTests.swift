import BatchCore
import Foundation
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// Batches over real HTTP: upload → create → poll → download, and the partial outcomes.
@Suite struct SimulatorBatchTests {
    @Test func uploadCreatePollDownload() async throws {
        let harness = try SimulatorHarness.start {
            $0.requestFailureRate = 0.3
            $0.requestFailureStatuses = [500, 429]
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(20))
        #expect(file.purpose == "batch")
        #expect(file.status == "processed")
        #expect(file.expiresAt == file.createdAt + 30 * 86_400)

        let created = try await harness.createBatch(fileID: file.id)
        #expect(created.status == .validating)
        #expect(created.expiresAt == created.createdAt + 86_400)
        #expect(created.requestCounts == BatchRequestCounts())
        #expect(created.metadata == ["job": "test"])

        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .completed)
        #expect(batch.model == "gpt-4o-mini")
        let counts = try #require(batch.requestCounts)
        #expect(counts.total == 20)
        #expect(counts.completed + counts.failed == 20)
        #expect(counts.failed > 0)
        #expect((batch.usage?.totalTokens ?? 0) > 0)
        let inProgressAt = try #require(batch.inProgressAt)
        let finalizingAt = try #require(batch.finalizingAt)
        let completedAt = try #require(batch.completedAt)
        #expect(batch.createdAt <= inProgressAt && inProgressAt <= finalizingAt && finalizingAt <= completedAt)

        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count == counts.completed)
        #expect(errors.count == counts.failed)
        #expect(output.allSatisfy { $0.isSuccess && $0.id.hasPrefix("batch_req_") && $0.response?.requestID.hasPrefix("req_") == true })
        #expect(errors.allSatisfy { $0.error == nil && [500, 429].contains($0.response?.statusCode ?? 0) })
        #expect(errors.allSatisfy { $0.response?.body["error"]?["type"] != nil })
        let ids = (output + errors).map(\.customID)
        #expect(Set(ids) == Set((1...20).map { "request-\($0)" }))
        #expect(ids.count == 20)
        let content = output.first?.response?.body["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
        #expect(content?.hasPrefix("# Explain topic") == true)

        let resultFile = try await harness.json(FileObject.self, "GET", "/v1/files/\(try #require(batch.outputFileID))")
        #expect(resultFile.purpose == "batch_output")
        #expect(resultFile.filename == "batch_\(batch.id)_output.jsonl")

        // The same seed fails the same lines.
        let again = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(again.requestCounts == batch.requestCounts)
    }

    @Test func concurrentRequestsAreAllAccountedFor() async throws {
        let harness = try SimulatorHarness.start {
            $0.requestConcurrency = 8
            $0.requestLatency = .milliseconds(10)
            $0.requestFailureRate = 0.25
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(64))
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(Set((output + errors).map(\.customID)) == Set((1...64).map { "request-\($0)" }))
        #expect(batch.requestCounts == BatchRequestCounts(total: 64, completed: output.count, failed: errors.count))
    }

    @Test func cancelWithRequestsInFlight() async throws {
        let harness = try SimulatorHarness.start {
            $0.requestConcurrency = 4
            $0.requestLatency = .milliseconds(20)
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(80))
        let created = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 4 }
        _ = try await harness.json(Batch.self, "POST", "/v1/batches/\(created.id)/cancel")
        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .cancelled)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count + errors.count == 80)
        #expect(Set((output + errors).map(\.customID)).count == 80)
        #expect(batch.requestCounts == BatchRequestCounts(total: 80, completed: output.count, failed: errors.count))
    }

    @Test func allSucceedingBatchHasNoErrorFile() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(3))
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        #expect(batch.errorFileID == nil)
        #expect(batch.requestCounts == BatchRequestCounts(total: 3, completed: 3, failed: 0))
    }

    @Test func badLinesFailTheBatchWithLineNumbers() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let good = SimulatorHarness.chatLines(2).split(separator: "\n").map(String.init)
        let content = [
            good[0],
            "{not json",
            good[0],  // duplicate custom_id
            #"{"custom_id": "x", "method": "GET", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini"}}"#,
            #"{"custom_id": "y", "method": "POST", "url": "/v1/embeddings", "body": {"model": "gpt-4o-mini"}}"#,
            #"{"custom_id": "z", "method": "POST", "url": "/v1/chat/completions", "body": {"messages": []}}"#,
            good[1],
        ].joined(separator: "\n") + "\n"
        let file = try await harness.uploadFile(content)
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .failed)
        #expect(batch.failedAt != nil)
        #expect(batch.inProgressAt == nil)
        #expect(batch.outputFileID == nil && batch.errorFileID == nil)
        let errors = try #require(batch.errors?.data)
        let byLine = Dictionary(grouping: errors, by: { $0.line ?? 0 })
        #expect(byLine[2]?.first?.code == "invalid_json_line")
        #expect(byLine[3]?.first?.code == "duplicate_custom_id")
        #expect(byLine[4]?.first?.param == "method")
        #expect(byLine[5]?.first?.code == "url_mismatch")
        #expect(byLine[6]?.first?.param == "body.model")
        #expect(byLine[1] == nil && byLine[7] == nil)
    }

    @Test func queueLimitFailure() async throws {
        let harness = try SimulatorHarness.start { $0.tokenLimitFailures = 1 }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(2))
        let failed = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(failed.status == .failed)
        let error = try #require(failed.errors?.data.first)
        #expect(error.code == "token_limit_exceeded")
        #expect(error.line == nil && error.param == nil)
        #expect(try await harness.waitFor(try await harness.createBatch(fileID: file.id).id).status == .completed)
        await harness.simulator.failNextBatchesWithTokenLimit()
        #expect(try await harness.waitFor(try await harness.createBatch(fileID: file.id).id).status == .failed)
    }

    /// The organisation's enqueued-token cap (reference §6.3): a batch that would pass it, counted with the
    /// model's batches still running, fails without a line; once they end, the same file goes through.
    @Test func enqueuedTokenLimitCountsRunningBatches() async throws {
        let content = SimulatorHarness.chatLines(4)
        // The file's tokens as the simulator counts them (the service's counter, here its estimate).
        let tokens = content.split(separator: "\n").reduce(0) { $0 + RequestTokenCounter().tokens(ofLine: String($1)).input }
        let harness = try SimulatorHarness.start {
            $0.requestLatency = .milliseconds(300)
            $0.enqueuedTokenLimit = tokens + tokens / 2
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(content)
        let running = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(running.id) { $0.status == .inProgress }
        let refused = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(refused.status == .failed)
        let error = try #require(refused.errors?.data.first)
        #expect(error.code == "token_limit_exceeded")
        #expect(error.message.contains("Enqueued token limit reached for gpt-4o-mini"))
        #expect(error.message.contains("Limit: \(BatchProcessor.grouped(tokens + tokens / 2)) enqueued tokens"))
        #expect(error.line == nil)
        #expect(try await harness.waitFor(running.id).status == .completed)
        #expect(try await harness.waitFor(try await harness.createBatch(fileID: file.id).id).status == .completed)
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (90_000, "90,000"), (1_234_567, "1,234,567")])
    func limitsAreWrittenAsOpenAIWritesThem(number: Int, text: String) {
        #expect(BatchProcessor.grouped(number) == text)
    }

    @Test func emptyFileFails() async throws {
        let harness = try SimulatorHarness.start()
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile("")
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .failed)
        #expect(batch.errors?.data.first?.code == "empty_file")
    }

    @Test func cancelMidwayKeepsPartialResults() async throws {
        let harness = try SimulatorHarness.start { $0.requestLatency = .milliseconds(20) }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(60))
        let created = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 3 }
        let cancelling = try await harness.json(Batch.self, "POST", "/v1/batches/\(created.id)/cancel")
        #expect(cancelling.status == .cancelling)
        #expect(cancelling.cancellingAt != nil)
        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .cancelled)
        #expect(batch.cancelledAt != nil)
        #expect(batch.completedAt == nil)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count >= 3 && output.count < 60)
        #expect(errors.allSatisfy { $0.error?.code == "batch_cancelled" && $0.response == nil })
        #expect(output.count + errors.count == 60)
        #expect(batch.requestCounts == BatchRequestCounts(total: 60, completed: output.count, failed: errors.count))

        let again = try await harness.request("POST", "/v1/batches/\(created.id)/cancel")
        #expect(again.status == 409)
    }

    @Test func expiryKeepsPartialResults() async throws {
        // The clock is moved by hand past the window once some requests have finished.
        let clock = ManualSimulatorClock()
        let harness = try SimulatorHarness.start({ $0.requestLatency = .milliseconds(20) }, clock: clock)
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(60))
        let created = try await harness.createBatch(fileID: file.id)
        _ = try await harness.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 3 }
        clock.advance(by: 86_400)
        let batch = try await harness.waitFor(created.id)
        #expect(batch.status == .expired)
        #expect(batch.expiredAt == created.createdAt + 86_400)
        #expect(batch.completedAt == nil)
        let output = try await harness.content(try #require(batch.outputFileID))
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(output.count > 0)
        #expect(errors.count > 0)
        #expect(errors.allSatisfy {
            $0.error == BatchResultLine.Failure(code: "batch_expired", message: "This request could not be executed before the completion window expired.")
        })
        #expect(output.count + errors.count == 60)
        #expect(batch.requestCounts == BatchRequestCounts(total: 60, completed: output.count, failed: errors.count))
    }

    @Test func speedFactorShortensTheWindow() async throws {
        // 24 h pass in 50 ms; validation alone takes 200 ms, so no request runs.
        let harness = try SimulatorHarness.start {
            $0.validationDelay = .milliseconds(200)
            $0.windowSpeedFactor = 86_400 / 0.05
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(4))
        let batch = try await harness.waitFor(try await harness.createBatch(fileID: file.id).id)
        #expect(batch.status == .expired)
        #expect(batch.outputFileID == nil)
        let errors = try await harness.content(try #require(batch.errorFileID))
        #expect(errors.map(\.customID) == (1...4).map { "request-\($0)" })
        #expect(batch.requestCounts == BatchRequestCounts(total: 4, completed: 0, failed: 4))
    }

    @Test func phasesAreObservable() async throws {
        // Phases of a second and more: a poller every 25 ms missed a 400 ms finalizing phase when the
        // whole suite loaded the 2 cores.
        let harness = try SimulatorHarness.start {
            $0.validationDelay = .seconds(1)
            $0.requestLatency = .milliseconds(200)
            $0.finalizingDelay = .milliseconds(1500)
        }
        defer { Task { try await harness.stop() } }
        let file = try await harness.uploadFile(SimulatorHarness.chatLines(5))
        let created = try await harness.createBatch(fileID: file.id)
        #expect(created.status == .validating)
        let running = try await harness.waitFor(created.id) { $0.status == .inProgress }
        #expect(running.requestCounts?.total == 5)
        _ = try await harness.waitFor(created.id) { $0.status == .finalizing }
        #expect(try await harness.waitFor(created.id).status == .completed)
    }
}

import Foundation
import OpenAIClient
import OpenAISimulator
import TestSupport
import Testing

/// Retries under the simulator's injected faults, counted by its injector.
@Suite("OpenAI retries", .timeLimit(.minutes(1)))
struct FaultToleranceTests {
    @Test func rateLimitHonoursRetryAfter() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.rateLimited(retryAfter: 1), count: 1, method: "GET", pathPrefix: "/v1/batches")])
        let started = ContinuousClock.now
        _ = try await fixture.client().listBatches(after: nil, limit: 5)
        // The client's own backoff is at most 50 ms: waiting a second is the server's Retry-After.
        #expect(ContinuousClock.now - started >= .milliseconds(950))
        #expect(fixture.simulator.faults.injectedByKind == ["status 429": 1])
    }

    @Test(arguments: [[500], [503], [500, 503, 504], [502, 408], [409, 429]])
    func retriedStatuses(codes: [Int]) async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        fixture.simulator.faults.schedule(codes.map {
            ScheduledFault(.status($0, retryAfter: 0), count: 1, method: "GET", pathPrefix: "/v1/files/")
        })
        let retrieved = try await openai.retrieveFile(id: file.id)
        #expect(retrieved.id == file.id)
        #expect(fixture.simulator.faults.injectedCount == codes.count)
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.status(503), count: 10, method: "GET", pathPrefix: "/v1/batches")])
        var retry = OpenAI.RetryPolicy(maxAttempts: 3, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20))
        retry.deadline = .seconds(10)
        let error = await #expect(throws: OpenAIError.self) {
            try await fixture.client(retry: retry).listBatches(after: nil, limit: 5)
        }
        #expect(error?.kind == .api && error?.status == 503)
        #expect(error?.error?.type == "server_error")
        #expect(fixture.simulator.faults.injectedCount == 3)
    }

    @Test func deadlineStopsRetries() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.rateLimited(retryAfter: 5), count: 5, method: "GET")])
        var retry = OpenAI.RetryPolicy(maxAttempts: 5)
        retry.deadline = .milliseconds(500)
        let error = await #expect(throws: OpenAIError.self) {
            try await fixture.client(retry: retry).listBatches(after: nil, limit: 5)
        }
        #expect(error?.status == 429)
        // A 5 s wait would pass the 0.5 s deadline, so the client does not wait at all: one attempt, no retry.
        #expect(fixture.simulator.faults.injectedCount == 1)
    }

    @Test(arguments: [400, 401, 403, 404, 422])
    func otherClientErrorsAreNotRetried(code: Int) async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.status(code), count: 1, method: "GET")])
        let openai = fixture.client()
        let error = await #expect(throws: OpenAIError.self) { try await openai.listBatches(after: nil, limit: 5) }
        #expect(error?.status == code)
        #expect(fixture.simulator.faults.injectedCount == 1)
        _ = try await openai.listBatches(after: nil, limit: 5)
    }

    @Test func droppedCreateMakesExactlyOneBatch() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(2), filename: "input.jsonl", purpose: "batch")
        // The batch is made, then the answer is cut off halfway: the client cannot know it exists.
        fixture.simulator.faults.schedule([ScheduledFault(.dropConnection, count: 1, method: "POST", pathPrefix: "/v1/batches")])
        let batch = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: ["job": "x"]))
        #expect(fixture.simulator.faults.injectedByKind == ["drop": 1])
        let all = try await openai.listBatches(after: nil, limit: 100)
        #expect(all.data.map(\.id) == [batch.id])
        #expect(batch.metadata?["job"] == "x")
        #expect(batch.metadata?[OpenAI.submissionMetadataKey] != nil)
    }

    @Test func droppedCreateWithoutRetriesIsStillFound() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client(retry: .none)
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        fixture.simulator.faults.schedule([ScheduledFault(.dropConnection, count: 1, method: "POST", pathPrefix: "/v1/batches")])
        let batch = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        let all = try await openai.listBatches(after: nil, limit: 100)
        #expect(all.data.map(\.id) == [batch.id])
    }

    @Test func serverErrorOnCreateChecksThenCreatesOnce() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        // 500 and 502 are answered before anything is made here, but a client cannot know that.
        fixture.simulator.faults.schedule([
            ScheduledFault(.status(500), count: 1, method: "POST", pathPrefix: "/v1/batches"),
            ScheduledFault(.status(502), count: 1, method: "POST", pathPrefix: "/v1/batches"),
        ])
        let batch = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        #expect(fixture.simulator.faults.injectedCount == 2)
        let all = try await openai.listBatches(after: nil, limit: 100)
        #expect(all.data.map(\.id) == [batch.id])
    }

    @Test func aCallersSubmissionKeyIsKept() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        let key = OpenAI.submissionMetadataKey
        let first = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: [key: "token-1"]))
        #expect(first.metadata?[key] == "token-1")
        // The same token after a dropped answer finds the first batch rather than making another.
        fixture.simulator.faults.schedule([ScheduledFault(.dropConnection, count: 1, method: "POST", pathPrefix: "/v1/batches")])
        let again = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions", metadata: [key: "token-2"]))
        let all = try await openai.listBatches(after: nil, limit: 100)
        #expect(all.data.count == 2)
        #expect(again.metadata?[key] == "token-2")
    }

    @Test func aConflictToACancelIsFinal() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        // 409 is retried for other calls (a lock that clears); to a cancel it is the batch's state.
        fixture.simulator.faults.schedule([ScheduledFault(.status(409), count: 5, method: "POST", pathPrefix: "/v1/batches/")])
        let error = await #expect(throws: OpenAIError.self) { try await fixture.client().cancelBatch(id: "batch_finished") }
        #expect(error?.status == 409)
        #expect(fixture.simulator.faults.injectedCount == 1)
    }

    @Test func cancellingAFinishedBatchFailsWithTheConflict() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(1), filename: "input.jsonl", purpose: "batch")
        let created = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        _ = try await fixture.waitForTerminal(openai, created.id)
        let error = await #expect(throws: OpenAIError.self) { try await openai.cancelBatch(id: created.id) }
        #expect(error?.status == 409)
        #expect(error?.error?.code == "batch_not_cancellable")
    }

    @Test func brokenDownloadLeavesNoFileThenRetrySucceeds() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        let openai = fixture.client()
        let file = try await openai.uploadFile(path: try fixture.writeInput(50), filename: "input.jsonl", purpose: "batch")
        let created = try await openai.createBatch(CreateBatchRequest(inputFileID: file.id, endpoint: "/v1/chat/completions"))
        let done = try await fixture.waitForTerminal(openai, created.id)
        let output = try #require(done.outputFileID)
        let target = fixture.directory.path + "/output.jsonl"

        fixture.simulator.faults.schedule([ScheduledFault(.dropConnection, count: 1, method: "GET", pathPrefix: "/v1/files/\(output)/content")])
        let error = await #expect(throws: OpenAIError.self) {
            try await fixture.client(retry: .none).downloadFileContent(id: output, to: target)
        }
        #expect(error?.kind == .connection)
        #expect(fixture.simulator.faults.injectedByKind == ["drop": 1])
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path) == ["input.jsonl"])

        fixture.simulator.faults.schedule([ScheduledFault(.dropConnection, count: 1, method: "GET", pathPrefix: "/v1/files/\(output)/content")])
        let bytes = try await openai.downloadFileContent(id: output, to: target)
        let info = try await openai.retrieveFile(id: output)
        #expect(bytes == Int64(info.bytes))
        #expect(try String(contentsOfFile: target, encoding: .utf8).split(separator: "\n").count == 50)
        #expect(fixture.simulator.faults.injectedByKind == ["drop": 2])
    }

    @Test func slowAnswersTimeOutAndAreRetried() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        // A request timeout of 1.5 s against answers of 8 s: short enough to prove neither answer was
        // awaited, long enough that a loaded machine still gets each request to the server in time.
        fixture.simulator.faults.schedule([ScheduledFault(.slow(.seconds(8)), count: 2, method: "GET")])
        let openai = fixture.client(
            retry: OpenAI.RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(5), maxDelay: .milliseconds(10)),
            timeouts: OpenAI.Timeouts(connect: .seconds(2), request: .milliseconds(1500))
        )
        let started = ContinuousClock.now
        let error = await #expect(throws: OpenAIError.self) { try await openai.listBatches(after: nil, limit: 5) }
        #expect(error?.kind == .timeout)
        #expect(fixture.simulator.faults.injectedCount == 2)
        // Two answers of 8 s each were not waited for.
        #expect(ContinuousClock.now - started < .seconds(7))
        // A third call meets no fault.
        _ = try await openai.listBatches(after: nil, limit: 5)
    }

    @Test func cancellingTheTaskAbortsASlowCallPromptly() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.slow(.seconds(10)), count: 1, method: "GET")])
        let openai = fixture.client()
        let task = Task { try await openai.listBatches(after: nil, limit: 5) }
        // The slow answer has begun: the call is waiting on it.
        try await waitUntil({ fixture.simulator.faults.injectedCount }, satisfies: { $0 == 1 })
        let cancelled = ContinuousClock.now
        task.cancel()
        let result = await task.result
        // The answer would take 10 s; 5 s leaves room for a loaded machine.
        #expect(ContinuousClock.now - cancelled < .seconds(5))
        guard case .failure(let error as OpenAIError) = result else {
            Issue.record("expected OpenAIError, got \(result)")
            return
        }
        #expect(error.kind == .cancelled)
    }

    @Test func cancellingDuringBackoffStopsRetrying() async throws {
        let fixture = try SimulatorFixture.start()
        defer { Task { try? await fixture.stop() } }
        fixture.simulator.faults.schedule([ScheduledFault(.rateLimited(retryAfter: 10), count: 1, method: "GET")])
        let openai = fixture.client()
        let task = Task { try await openai.listBatches(after: nil, limit: 5) }
        // The 429 is on its way: the call is reading it or already in its 10 s backoff.
        try await waitUntil({ fixture.simulator.faults.injectedCount }, satisfies: { $0 == 1 })
        task.cancel()
        let result = await task.result
        guard case .failure(let error as OpenAIError) = result else {
            Issue.record("expected OpenAIError, got \(result)")
            return
        }
        #expect(error.kind == .cancelled)
    }
}

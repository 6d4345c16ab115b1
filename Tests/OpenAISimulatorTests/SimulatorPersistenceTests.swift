import Foundation
import OpenAIClient
import TestSupport
import Testing

@testable import OpenAISimulator

/// `--data-dir`: files and batches survive a restart, and a batch in progress resumes.
@Suite struct SimulatorPersistenceTests {
    @Test func filesAndBatchesSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try SimulatorHarness.start { $0.dataDirectory = directory.path }
        let file = try await first.uploadFile(SimulatorHarness.chatLines(3))
        let batch = try await first.waitFor(try await first.createBatch(fileID: file.id).id)
        #expect(batch.status == .completed)
        try await first.stop()

        let second = try SimulatorHarness.start { $0.dataDirectory = directory.path }
        defer { Task { try await second.stop() } }
        #expect(try await second.batch(batch.id) == batch)
        #expect(try await second.json(FileObject.self, "GET", "/v1/files/\(file.id)") == file)
        let output = try await second.content(try #require(batch.outputFileID))
        #expect(output.count == 3)
    }

    @Test func aBatchInProgressResumes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try SimulatorHarness.start {
            $0.dataDirectory = directory.path
            $0.requestLatency = .milliseconds(20)
        }
        let file = try await first.uploadFile(SimulatorHarness.chatLines(40))
        let created = try await first.createBatch(fileID: file.id)
        _ = try await first.waitFor(created.id) { ($0.requestCounts?.completed ?? 0) >= 2 }
        try await first.stop()

        let second = try SimulatorHarness.start {
            $0.dataDirectory = directory.path
            $0.requestLatency = .milliseconds(1)
        }
        defer { Task { try await second.stop() } }
        let batch = try await second.waitFor(created.id)
        #expect(batch.status == .completed)
        #expect(batch.inProgressAt != nil)
        #expect(batch.requestCounts == BatchRequestCounts(total: 40, completed: 40, failed: 0))
        let output = try await second.content(try #require(batch.outputFileID))
        #expect(Set(output.map(\.customID)).count == 40)
    }
}

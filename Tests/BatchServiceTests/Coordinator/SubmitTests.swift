import BatchCore
import Foundation
import OpenAIClient
import Testing
import TestSupport

@testable import BatchService

@Suite("Submit")
struct SubmitTests {
    @Test func submitsAValidFileAndRecordsIt() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let text = ServiceFixture.chatLines(5)
        let path = try fixture.writeInput(text)
        let coordinator = fixture.coordinator()

        let result = try await coordinator.submit(SubmitRequest(input: .path("inputs/" + path), jobName: "demo", metadata: ["team": "docs"]))

        #expect(!result.reused)
        #expect(result.requestCount == 5)
        let sha = SHA256.hex(of: Array(text.utf8))
        #expect(result.batch.metadata?["job_name"] == "demo")
        #expect(result.batch.metadata?["input_sha256"] == sha)
        #expect(result.batch.metadata?["team"] == "docs")
        #expect(result.batch.endpoint == "/v1/chat/completions")
        #expect(result.outputDirectory == fixture.workspace.outputsDirectory + "/" + result.batch.id)
        // The folder holds the very bytes uploaded, the batch and the submission record; no staging is left.
        #expect(ServiceFixture.bytes(result.outputDirectory + "/input.jsonl") == Array(text.utf8))
        let stored = try JSONDecoder().decode(Batch.self, from: Data(try #require(ServiceFixture.bytes(result.outputDirectory + "/batch.json"))))
        #expect(stored.id == result.batch.id)
        let record = try #require(BatchFolder(path: result.outputDirectory).readSubmission())
        #expect(record.inputSHA256 == sha && record.jobName == "demo" && record.requestCount == 5)
        #expect(fixture.outputEntries() == [result.batch.id])
        // The backend has the file as uploaded.
        let file = try await fixture.client().retrieveFile(id: result.batch.inputFileID)
        #expect(file.bytes == text.utf8.count)
        #expect(file.purpose == "batch")
    }

    @Test func refusesAnInvalidFileWithEveryBadLine() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        var lines = ServiceFixture.chatLines(4).split(separator: "\n").map(String.init)
        lines[1] = #"{"custom_id":"request-2","method":"GET","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini"}}"#
        lines[3] = #"{"custom_id":"request-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini"}"#
        lines.append("not json")
        let path = try fixture.writeInput(lines.joined(separator: "\n") + "\n")

        let error = try #require(await serviceError {
            try await fixture.coordinator().submit(SubmitRequest(input: .path(path)))
        })
        #expect(error.kind == .invalidInput)
        #expect(error.kind.status == 422)
        #expect(error.issues.compactMap(\.line) == [2, 4, 5])
        #expect(error.issues.first?.code == "invalid_method")
        #expect(error.message.contains("line 2"))
        // Nothing reached the backend or the outputs folder.
        #expect(fixture.outputEntries().isEmpty)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.isEmpty)
    }

    @Test func refusesFilesOverTheLimits() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let tooMany = try fixture.writeInput(ServiceFixture.chatLines(4), name: "many.jsonl")
        let coordinator = fixture.coordinator(limits: BatchLimits(maxRequests: 3, maxBytes: 1 << 20))
        let lines = try #require(await serviceError { try await coordinator.submit(SubmitRequest(input: .path(tooMany))) })
        #expect(lines.kind == .tooLarge)
        #expect(lines.message.contains("more than 3 requests"))

        let text = ServiceFixture.chatLines(40)
        let big = try fixture.writeInput(text, name: "big.jsonl")
        let small = fixture.coordinator(limits: BatchLimits(maxRequests: 50_000, maxBytes: Int64(text.utf8.count - 1)))
        let bytes = try #require(await serviceError { try await small.submit(SubmitRequest(input: .path(big))) })
        #expect(bytes.kind == .tooLarge)
        #expect(bytes.kind.status == 413)
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func theBatchAPILimitOf50000RequestsHolds() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let text = (1...50_001).map { #"{"custom_id":"r\#($0)","method":"POST","url":"/v1/embeddings","body":{"model":"m","input":"x"}}"# }
            .joined(separator: "\n") + "\n"
        let path = try fixture.writeInput(text)
        let error = try #require(await serviceError { try await fixture.coordinator().submit(SubmitRequest(input: .path(path))) })
        #expect(error.kind == .tooLarge)
        #expect(error.message.contains("50000"))
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func refusesCompressedInputWithAClearMessage() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00]).write(to: URL(fileURLWithPath: fixture.workspace.inputsDirectory + "/x.jsonl.gz"))
        let error = try #require(await serviceError { try await fixture.coordinator().submit(SubmitRequest(input: .path("inputs/x.jsonl.gz"))) })
        #expect(error.kind == .badRequest)
        #expect(error.message.contains("gzip"))
    }

    @Test func aRemovedBatchFolderIsNotReused() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(2))
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(SubmitRequest(input: .path(path)))
        try FileManager.default.removeItem(atPath: first.outputDirectory)
        let again = try await coordinator.submit(SubmitRequest(input: .path(path)))
        #expect(!again.reused && again.batch.id != first.batch.id)
    }

    @Test func refusesPathsOutsideTheInputsFolder() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let outside = fixture.directory.path + "/secret.jsonl"
        try Data(ServiceFixture.chatLines(1).utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.createSymbolicLink(atPath: fixture.workspace.inputsDirectory + "/link.jsonl", withDestinationPath: outside)
        let coordinator = fixture.coordinator()
        for path in ["../secret.jsonl", "inputs/../secret.jsonl", outside, "link.jsonl", "inputs/link.jsonl", "/etc/passwd", "inputs/x.txt"] {
            let error = try #require(await serviceError { try await coordinator.submit(SubmitRequest(input: .path(path))) })
            #expect(error.kind == .badRequest, "\(path): \(error.message)")
        }
        let missing = try #require(await serviceError { try await coordinator.submit(SubmitRequest(input: .path("nothing.jsonl"))) })
        #expect(missing.kind == .notFound)
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func theSameInputAndJobNameIsReusedUnlessForced() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(3))
        let coordinator = fixture.coordinator()
        let first = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "docs"))
        let again = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "docs"))
        #expect(again.reused)
        #expect(again.batch.id == first.batch.id)
        // A restarted service finds the earlier submission on disk.
        let restarted = try await fixture.coordinator().submit(SubmitRequest(input: .path(path), jobName: "docs"))
        #expect(restarted.reused && restarted.batch.id == first.batch.id)
        // Another job name, or force, makes a new batch.
        let other = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "other"))
        #expect(!other.reused && other.batch.id != first.batch.id)
        let forced = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "docs", force: true))
        #expect(!forced.reused && forced.batch.id != first.batch.id)
        #expect(try await fixture.client().listBatches(after: nil, limit: 10).data.count == 3)
        #expect(Set(fixture.outputEntries()) == [first.batch.id, other.batch.id, forced.batch.id])
    }

    @Test func aSubmissionTheBackendForgotIsMadeAgain() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(2))
        let first = try await fixture.coordinator().submit(SubmitRequest(input: .path(path), jobName: "j"))
        // Another backend (a simulator restarted without state) over the same folders.
        let other = try ServiceFixture.start()
        defer { Task { try await other.stop() } }
        let coordinator = BatchCoordinator(backend: other.client(), workspace: fixture.workspace, logger: fixture.logs.logger)
        let again = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "j"))
        #expect(!again.reused && again.batch.id != first.batch.id)
    }

    @Test func identicalSubmissionsAtOnceMakeOneBatch() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(3))
        let coordinator = fixture.coordinator()
        let results = try await withThrowingTaskGroup(of: SubmitResult.self) { group in
            for _ in 0..<4 { group.addTask { try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "same")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.batch.id)).count == 1)
        #expect(results.filter { !$0.reused }.count == 1)
        #expect(fixture.outputEntries().count == 1)
    }

    @Test func inlineLinesSpecsAndUploadsAreStaged() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let coordinator = fixture.coordinator()
        let lines = ServiceFixture.chatLines(2).split(separator: "\n").map(String.init)
        let fromLines = try await coordinator.submit(SubmitRequest(input: .lines(lines)))
        #expect(ServiceFixture.bytes(fromLines.outputDirectory + "/input.jsonl") == Array((lines.joined(separator: "\n") + "\n").utf8))

        let spec = try await coordinator.submit(SubmitRequest(
            input: .spec("system: You are helpful. || user: Hello /// user: How are you?", model: "gpt-4o-mini"), jobName: "spec"
        ))
        #expect(spec.requestCount == 2)
        let specText = String(decoding: try #require(ServiceFixture.bytes(spec.outputDirectory + "/input.jsonl")), as: UTF8.self)
        #expect(specText.contains(#""custom_id":"2""#) && specText.contains("How are you?"))

        let badSpec = try #require(await serviceError {
            try await coordinator.submit(SubmitRequest(input: .spec("user: hi /// bogus", model: "gpt-4o-mini")))
        })
        #expect(badSpec.kind == .badRequest)
        #expect(badSpec.message.contains("request 2"))

        let upload = fixture.directory.path + "/upload-spool"
        let text = ServiceFixture.chatLines(3, prefix: "up-")
        try Data(text.utf8).write(to: URL(fileURLWithPath: upload))
        let uploaded = try await coordinator.submit(SubmitRequest(input: .uploadedFile(path: upload, filename: "mine.jsonl")))
        #expect(!FileManager.default.fileExists(atPath: upload))
        #expect(ServiceFixture.bytes(uploaded.outputDirectory + "/input.jsonl") == Array(text.utf8))
        #expect(try await fixture.client().retrieveFile(id: uploaded.batch.inputFileID).filename == "mine.jsonl")
    }

    @Test func refusesBadOptions() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(1))
        let coordinator = fixture.coordinator()
        let requests = [
            SubmitRequest(input: .path(path), completionWindow: "48h"),
            SubmitRequest(input: .path(path), endpoint: "/v1/nothing"),
            SubmitRequest(input: .path(path), metadata: Dictionary(uniqueKeysWithValues: (1...14).map { ("k\($0)", "v") })),
            SubmitRequest(input: .path(path), jobName: ""),
        ]
        for request in requests {
            let error = try #require(await serviceError { try await coordinator.submit(request) })
            #expect(error.kind == .badRequest)
        }
        // An endpoint that the lines do not use: every line is reported.
        let mismatch = try #require(await serviceError {
            try await coordinator.submit(SubmitRequest(input: .path(path), endpoint: "/v1/embeddings"))
        })
        #expect(mismatch.kind == .invalidInput)
        #expect(mismatch.issues.first?.code == "url_mismatch")
        #expect(fixture.outputEntries().isEmpty)
    }

    @Test func theAPIKeyNeverLandsInLogsOrFiles() async throws {
        let fixture = try ServiceFixture.start()
        defer { Task { try await fixture.stop() } }
        let path = try fixture.writeInput(ServiceFixture.chatLines(2))
        let coordinator = fixture.coordinator()
        let submitted = try await coordinator.submit(SubmitRequest(input: .path(path), jobName: "k"))
        _ = try await coordinator.wait(id: submitted.batch.id, pollInterval: 0.02, timeout: 20)
        _ = try await coordinator.download(id: submitted.batch.id)
        // A failing call logs and throws too.
        _ = try? await coordinator.batch(id: "batch_doesnotexist")
        #expect(!fixture.logs.all.isEmpty)
        #expect(!fixture.logs.all.contains { $0.contains(ServiceFixture.apiKey) })
        for (name, bytes) in ServiceFixture.tree(fixture.workspace.outputsDirectory) {
            #expect(!String(decoding: bytes, as: UTF8.self).contains(ServiceFixture.apiKey), "\(name)")
        }
    }
}

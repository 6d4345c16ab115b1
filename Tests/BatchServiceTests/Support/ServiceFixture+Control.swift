import Foundation
import TestSupport
import OpenAIClient
import OutputParser
import Testing

@testable import BatchService

extension ServiceFixture {
    /// What an uninterrupted pass over the same batch produces: its result files fetched straight from the
    /// backend into `control/outputs/<batch_id>/` and parsed there. A run that was stopped and resumed must
    /// leave the same bytes in `outputs/<batch_id>/` (`index.json` names its own folder, so paths are
    /// compared after replacing the control root).
    func expectMatchesUninterruptedRun(_ batch: Batch, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let root = directory.path + "/control/outputs"
        let control = root + "/" + batch.id
        try FileManager.default.createDirectory(atPath: control, withIntermediateDirectories: true)
        let client = client()
        if let id = batch.outputFileID { _ = try await client.downloadFileContent(id: id, to: control + "/output.jsonl") }
        if let id = batch.errorFileID { _ = try await client.downloadFileContent(id: id, to: control + "/errors.jsonl") }
        _ = try ResultParser(logger: logs.logger).parse(batchDirectory: control, batchID: batch.id)

        let actual = workspace.outputsDirectory + "/" + batch.id
        for name in ["output.jsonl", "errors.jsonl"] {
            #expect(Self.bytes(actual + "/" + name) == Self.bytes(control + "/" + name), "\(name)", sourceLocation: sourceLocation)
        }
        let docs = Self.tree(actual + "/docs")
        #expect(!docs.isEmpty, sourceLocation: sourceLocation)
        #expect(docs == Self.tree(control + "/docs"), "docs/", sourceLocation: sourceLocation)
        let index = Self.text(actual + "/index.json")
        #expect(!index.isEmpty, sourceLocation: sourceLocation)
        #expect(index == Self.text(control + "/index.json").replacingOccurrences(of: root, with: workspace.outputsDirectory),
                "index.json", sourceLocation: sourceLocation)
        // No staging folder, partial docs or temporary file is left behind.
        #expect(!outputEntries().contains { $0.hasPrefix(".") }, sourceLocation: sourceLocation)
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: actual)) ?? []).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)", sourceLocation: sourceLocation)
    }

    /// Polls `condition` every 10 ms for up to `timeout`; past it, throws `WaitTimedOut` (so the result is always true).
    func eventually(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws -> Bool {
        try await waitUntil(timeout: timeout, pollEvery: .milliseconds(10), "the condition", condition)
        return true
    }
}

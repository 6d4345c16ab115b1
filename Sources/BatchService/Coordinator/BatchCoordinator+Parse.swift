import Foundation
import InputBuilder
import OutputParser
import SystemIO

extension BatchCoordinator {
    /// Parses the downloaded results into `docs/` and `index.json`; `notFound` for a batch unknown here,
    /// `conflict` (wrong state, as for a download before completion) for a known batch not downloaded yet.
    /// The parser does file I/O for every document, so it runs on a dedicated thread.
    public func parse(id: String, force: Bool, only: Set<String>?) async throws(BatchServiceError) -> ParseIndex {
        let batchID = try checkedID(id)
        guard await artifactStore.inventory(of: batchID) != nil else {
            throw BatchServiceError(.notFound, "Batch \(id) has no downloaded results; download them first.")
        }
        // The parser reads results and writes documents in a local folder.
        let local = try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(batchID) }
        // Results downloaded before the input was fetched (or when fetching failed): one more try.
        if let batch = await stateStore.batch(batchID) { await ensureInput(of: batch, batchID, in: BatchFolder(path: local)) }
        let parser = ResultParser(logger: logger)
        let result: Result<ParseIndex, ParseError> = await parseGate.withKey(batchID.rawValue) { [self] in
            await BlockingThread.run("parse") { [self] in
                let options = ParseOptions(force: force, only: only, topicFormats: topicFormats())
                return Result { () throws(ParseError) in try parser.parse(batchDirectory: local, batchID: batchID.rawValue, options: options) }
            }
        }
        if case .success = result {
            try await stored { () async throws(WorkspaceError) in
                try await artifactStore.persist([BatchFolder.docsFolder, BatchFolder.indexFile], of: batchID)
            }
        }
        switch result {
        case .success(let index):
            return index
        case .failure(let error) where error.unknownIDs != nil:
            let ids = (error.unknownIDs ?? []).map { "'\($0)'" }.joined(separator: ", ")
            throw BatchServiceError(.invalidInput, "'only' names custom_ids that batch \(id) does not have: \(ids).")
        case .failure(let error) where error.isMissingResults:
            throw BatchServiceError(.conflict, "Batch \(id) has no downloaded results yet; download them first (POST /batches/\(id)/download).")
        case .failure(let error):
            throw BatchServiceError(.internalError, "Parsing batch \(id) failed: \(error.description)")
        }
    }

    /// `format: puml` topics of the prompt templates, when a prompts folder is configured and readable.
    /// Reads files: call off the pool.
    private func topicFormats() -> [String: DocumentFormat] {
        guard let promptsDirectory, Workspace.isDirectory(promptsDirectory) else { return [:] }
        do {
            let library = try PromptLibrary.load(directory: promptsDirectory)
            return library.topicFormats.compactMapValues { DocumentFormat(rawValue: $0.rawValue) }
        } catch {
            logger.warning("prompt templates unreadable; segments parse by content only", metadata: ["error": "\(error)"])
            return [:]
        }
    }
}

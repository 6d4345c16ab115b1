import Foundation
import Logging
import OpenAIClient
import SystemIO

extension BatchCoordinator {
    /// Writes `output.jsonl` and `errors.jsonl` for a batch that has result files (completed, or expired /
    /// cancelled with partial results); `conflict` before that. Accounts for every input `custom_id` (the
    /// input fetched from the backend when it is not here: a batch made elsewhere). An empty error file
    /// writes no `errors.jsonl`.
    ///
    /// Each file streams to disk through the backend (temporary name, length checked, renamed), so a
    /// download that breaks leaves the earlier state; downloading again rewrites the same bytes.
    public func download(id: String) async throws(BatchServiceError) -> DownloadResult {
        let batchID = try checkedID(id)
        let batch = try await fetch(batchID, creatingFolder: true)
        guard Self.hasResults(batch) else {
            let when = batch.status.isTerminal
                ? "it ended \(batch.status) without result files"
                : "it is \(batch.status); results exist once it is completed (or expired / cancelled with partial results)"
            throw BatchServiceError(.conflict, "Batch \(id) has nothing to download: \(when).")
        }
        // The HTTP client streams to a local file, and the accounting reads it.
        let folder = BatchFolder(path: try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(batchID) })
        var outputFile: String?
        var errorsFile: String?
        if let fileID = batch.outputFileID {
            let path = folder.file(BatchFolder.outputFile)
            let bytes = try await backendCall("download the output file \(fileID)") { try await backend.downloadFileContent(id: fileID, to: path) }
            logger.debug("downloaded output file", metadata: ["batch_id": "\(id)", "bytes": "\(bytes)"])
            outputFile = path
        }
        if let fileID = batch.errorFileID {
            let path = folder.file(BatchFolder.errorsFile)
            let bytes = try await backendCall("download the error file \(fileID)") { try await backend.downloadFileContent(id: fileID, to: path) }
            logger.debug("downloaded error file", metadata: ["batch_id": "\(id)", "bytes": "\(bytes)"])
            if bytes == 0 {
                // An empty error file says nothing failed: `errors.jsonl` exists only when there are failures.
                await BlockingThread.run("unlink") { _ = unlink(path) }
            } else {
                errorsFile = path
            }
        }
        let written = [outputFile.map { _ in BatchFolder.outputFile }, errorsFile.map { _ in BatchFolder.errorsFile }].compactMap { $0 }
        try await stored { () async throws(WorkspaceError) in try await artifactStore.persist(written, of: batchID) }
        await ensureInput(of: batch, batchID, in: folder)
        let accounting = try await account(folder)
        report(accounting, batch)
        let tallied = await usage(of: batchID, in: folder)
        return DownloadResult(batch: batch, outputFile: outputFile, errorsFile: errorsFile, missingCustomIDs: accounting.missing, usage: tallied)
    }

    /// Whether the batch has files to download: it ended (completed, expired or cancelled) with an output
    /// or an error file. A `failed` batch ran nothing.
    static func hasResults(_ batch: Batch) -> Bool {
        switch batch.status {
        case .completed, .expired, .cancelled: batch.outputFileID != nil || batch.errorFileID != nil
        default: false
        }
    }

    /// What a finished download found on disk, without fetching anything (a run that already completed).
    func localDownload(_ batch: Batch, _ id: BatchID) async throws(BatchServiceError) -> DownloadResult {
        let folder = BatchFolder(path: try await stored { () async throws(WorkspaceError) in try await artifactStore.materialise(id) })
        let accounting = try await account(folder)
        let output = folder.file(BatchFolder.outputFile)
        let errors = folder.file(BatchFolder.errorsFile)
        let present = await BlockingThread.run("stat") { (Workspace.isRegularFile(output), Workspace.isRegularFile(errors)) }
        let tallied = await usage(of: id, in: folder)
        return DownloadResult(
            batch: batch, outputFile: present.0 ? output : nil, errorsFile: present.1 ? errors : nil, missingCustomIDs: accounting.missing,
            usage: tallied
        )
    }

    /// Reads the materialised input and results once (blocking, on its own thread).
    private func account(_ folder: BatchFolder) async throws(BatchServiceError) -> ResultAccounting {
        do {
            return try await BlockingThread.run("account") { () throws(WorkspaceError) in try ResultAccounting.account(folder) }
        } catch {
            throw BatchServiceError(error)
        }
    }

    /// A batch that ended with failures says so: at `warning`, with the counts and the missing ids.
    private func report(_ accounting: ResultAccounting, _ batch: Batch) {
        var metadata: [String: Logger.MetadataValue] = [
            "batch_id": "\(batch.id)", "status": "\(batch.status)", "requests": "\(accounting.inputCount)",
            "succeeded": "\(accounting.outputLines)", "failed": "\(accounting.errorLines)", "missing": "\(accounting.missing.count)",
        ]
        if let counts = batch.requestCounts { metadata["request_counts"] = "\(counts.completed)/\(counts.failed)/\(counts.total)" }
        if accounting.unexpected > 0 { metadata["unexpected_results"] = "\(accounting.unexpected)" }
        if !accounting.missing.isEmpty { metadata["first_missing"] = "\(accounting.missing.prefix(5).joined(separator: ","))" }
        let clean = accounting.errorLines == 0 && accounting.missing.isEmpty && batch.status == .completed
        logger.log(level: clean ? .info : .warning, clean ? "batch results downloaded" : "batch results downloaded with failures", metadata: metadata)
    }
}

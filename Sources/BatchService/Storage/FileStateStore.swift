import Foundation
import OpenAIClient
import Synchronization
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// The state of batches as files in `outputs/<batch_id>/` (docs/ARCHITECTURE.md § Storage layout): `batch.json`, `submission.json`
/// and `run.json`, each written to a temporary name, fsynced, renamed, and its folder fsynced.
///
/// A new batch is created by writing its state files into the staging folder that already holds its
/// `input.jsonl` and renaming the folder to `outputs/<batch_id>` in one step (`StagingFolder.publish`,
/// which refuses an existing folder): the file system's create-if-absent. Submission keys are looked up in
/// an index read once from every `submission.json`, then kept up to date. Two processes sharing one outputs
/// folder are not supported (the index is this process's); a database store is the way past one machine.
/// File work runs on dedicated threads (`BlockingThread`).
public final class FileStateStore: BatchStateStore {
    /// The outputs folder, absolute.
    public let outputsDirectory: String
    /// Submission key → batch id, loaded on first use.
    private let index = Mutex<[SubmissionKey: String]?>(nil)

    /// A store over `outputs`, an existing absolute folder (`Workspace.outputsDirectory`).
    public init(outputsDirectory: String) {
        self.outputsDirectory = outputsDirectory
    }

    func folder(_ id: BatchID) -> BatchFolder {
        BatchFolder(path: outputsDirectory + "/" + id.rawValue)
    }

    public func batch(_ id: BatchID) async -> Batch? {
        let folder = folder(id)
        return await BlockingThread.run("batch.json") { folder.readBatch() }
    }

    public func putBatch(_ batch: Batch, for id: BatchID, creating: Bool) async throws(WorkspaceError) {
        let folder = folder(id)
        try await BlockingThread.run("batch.json") { () throws(WorkspaceError) in
            if creating { try folder.create() } else if !folder.exists { return }
            try folder.writeBatch(batch)
        }
    }

    public func run(_ id: BatchID) async -> PipelineRun? {
        let folder = folder(id)
        return await BlockingThread.run("run.json") { folder.readRun() }
    }

    public func putRun(_ run: PipelineRun, for id: BatchID) async throws(WorkspaceError) {
        let folder = folder(id)
        try await BlockingThread.run("run.json") { () throws(WorkspaceError) in try folder.writeRun(run) }
    }

    public func submission(_ id: BatchID) async -> SubmissionRecord? {
        let folder = folder(id)
        return await BlockingThread.run("submission.json") { folder.readSubmission() }
    }

    public func submission(forKey key: SubmissionKey) async -> SubmissionRecord? {
        guard let id = await loadedIndex()[key], let batchID = try? BatchID(id) else { return nil }
        guard let record = await submission(batchID), record.key == key else {
            // Its folder was removed (or replaced) since: nothing here to reuse.
            index.withLock { _ = $0?.removeValue(forKey: key) }
            return nil
        }
        return record
    }

    public func create(_ state: NewBatchState, publishing staged: StagedInput, replacing: String?) async throws(WorkspaceError) -> CreateOutcome {
        let key = state.record.key
        if let holder = await submission(forKey: key), holder.batchID != replacing { return .exists(holder) }
        let staging = StagingFolder(path: staged.token)
        let id = try BatchID(state.record.batchID)
        let destination = folder(id)
        // The rename refuses an existing folder: an id known here already is an error, not a winner.
        try await BlockingThread.run("publish") { () throws(WorkspaceError) in
            try staging.folder.writeBatch(state.batch)
            try staging.folder.writeSubmission(state.record)
            if let run = state.run { try staging.folder.writeRun(run) }
            try staging.publish(as: destination.path)
            staging.unclaim()
        }
        index.withLock { $0?[key] = state.record.batchID }
        return .created
    }

    public func unfinishedRuns() async -> RecoveredRuns {
        let swept = await sweepStaging()
        let outputs = outputsDirectory
        return await BlockingThread.run("resume") { () -> RecoveredRuns in
            var found = RecoveredRuns(runs: [], published: swept.published, discarded: swept.discarded)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? []).sorted()
            for name in names where !name.hasPrefix(".") {
                let folder = BatchFolder(path: outputs + "/" + name)
                guard let id = try? BatchID(name), let run = folder.readRun(), run.batchID == id.rawValue, !run.phase.isTerminal else { continue }
                folder.removeTemporaryFiles()
                found.runs.append(run)
            }
            return found
        }
    }

    public func sweepStaging() async -> (published: [String], discarded: Int) {
        let outputs = outputsDirectory
        return await BlockingThread.run("sweep") { () -> (published: [String], discarded: Int) in
            var published: [String] = []
            var discarded = 0
            for name in StagingOwner.orphans(in: outputs) {
                let staging = StagingFolder(path: outputs + "/" + name)
                if name.hasPrefix(StagingFolder.prefix), let record = staging.folder.readSubmission(), let id = try? BatchID(record.batchID),
                   access(outputs + "/" + id.rawValue, F_OK) != 0, (try? staging.publish(as: outputs + "/" + id.rawValue)) != nil {
                    published.append(id.rawValue)
                } else {
                    staging.discard()
                    discarded += 1
                }
            }
            return (published, discarded)
        }
    }

    /// Reads only the `status` of each `batch.json` (a full decode of hundreds of batches per scrape would
    /// cost more than the scrape is worth).
    public func countByStatus() async -> [String: Int] {
        struct Recorded: Decodable {
            let status: String
        }
        let outputs = outputsDirectory
        return await BlockingThread.run("census") { () -> [String: Int] in
            var counts: [String: Int] = [:]
            let decoder = JSONDecoder()
            for name in (try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? [] {
                guard (try? BatchID(name)) != nil,
                      let data = FileManager.default.contents(atPath: outputs + "/" + name + "/" + BatchFolder.batchFile),
                      let recorded = try? decoder.decode(Recorded.self, from: data)
                else { continue }
                counts[recorded.status, default: 0] += 1
            }
            return counts
        }
    }

    /// Idempotency keys of every batch folder, read from their `submission.json` once, then kept up to date.
    private func loadedIndex() async -> [SubmissionKey: String] {
        if let loaded = index.withLock({ $0 }) { return loaded }
        let outputs = outputsDirectory
        let scanned = await BlockingThread.run("submissions") { () -> [SubmissionKey: String] in
            var found: [SubmissionKey: String] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? [] where !name.hasPrefix(".") {
                guard let record = BatchFolder(path: outputs + "/" + name).readSubmission(), record.batchID == name else { continue }
                found[record.key] = record.batchID
            }
            return found
        }
        return index.withLock { current in
            // A submission recorded meanwhile wins over the scan.
            let merged = scanned.merging(current ?? [:]) { _, recorded in recorded }
            current = merged
            return merged
        }
    }
}

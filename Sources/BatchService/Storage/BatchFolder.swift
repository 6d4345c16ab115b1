import Foundation
import OpenAIClient
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// One batch's folder, `outputs/<batch_id>/`, and the names of what it holds (docs/ARCHITECTURE.md § Storage layout).
///
/// Besides the files of §6 it keeps two small state files of the service, both written atomically and
/// fsynced: `submission.json` (what was submitted: the input's SHA-256, the job name — the key of
/// idempotent submission) and `run.json` (the `PipelineRun` of a run, rewritten after every transition).
/// The methods block (file I/O): call them inside `BlockingThread`.
struct BatchFolder: Sendable {
    /// The latest Batch object from the API.
    static let batchFile = "batch.json"
    /// The file that was uploaded.
    static let inputFile = "input.jsonl"
    /// Successful results, after download.
    static let outputFile = "output.jsonl"
    /// Failed requests, after download.
    static let errorsFile = "errors.jsonl"
    /// The parse index.
    static let indexFile = "index.json"
    /// The submission record (idempotency key).
    static let submissionFile = "submission.json"
    /// The durable state of a run.
    static let runFile = "run.json"
    /// The documents.
    static let docsFolder = "docs"
    /// The files `LocalArtifacts` reports, in this order.
    static let reportedFiles = [batchFile, inputFile, outputFile, errorsFile, indexFile, submissionFile, runFile]

    /// The folder, absolute.
    let path: String

    /// A file of the folder.
    func file(_ name: String) -> String { path + "/" + name }

    /// Whether the folder exists.
    var exists: Bool { Workspace.isDirectory(path) }

    /// Creates the folder when it does not exist yet (a batch submitted elsewhere, then waited for here).
    func create() throws(WorkspaceError) {
        if mkdir(path, 0o755) != 0, errno != EEXIST { throw .system("mkdir", path, errno: errno) }
    }

    // MARK: - State files

    /// Writes `batch.json` (atomic, fsynced) unless it already holds this very batch: a status poll that
    /// changes nothing costs a small read instead of an fsync (polls during a parse would slow it).
    func writeBatch(_ batch: Batch) throws(WorkspaceError) {
        if readBatch() == batch { return }
        try Self.writeJSON(batch, to: file(Self.batchFile))
    }

    /// Reads `batch.json`, when it exists and decodes.
    func readBatch() -> Batch? {
        Self.readJSON(Batch.self, from: file(Self.batchFile))
    }

    /// Writes `submission.json` (atomic, fsynced).
    func writeSubmission(_ record: SubmissionRecord) throws(WorkspaceError) {
        try Self.writeJSON(record, to: file(Self.submissionFile))
    }

    /// Reads `submission.json`.
    func readSubmission() -> SubmissionRecord? {
        Self.readJSON(SubmissionRecord.self, from: file(Self.submissionFile))
    }

    /// Writes `run.json` (atomic, fsynced).
    func writeRun(_ run: PipelineRun) throws(WorkspaceError) {
        try Self.writeJSON(run, to: file(Self.runFile))
    }

    /// Reads `run.json`.
    func readRun() -> PipelineRun? {
        Self.readJSON(PipelineRun.self, from: file(Self.runFile))
    }

    /// What exists in the folder, or nil when it does not exist.
    func artifacts() -> LocalArtifacts? {
        guard exists else { return nil }
        let files = Self.reportedFiles.filter { Workspace.isRegularFile(file($0)) }
        return LocalArtifacts(outputDirectory: path, files: files, hasDocs: Workspace.isDirectory(file(Self.docsFolder)))
    }

    /// Removes what a killed process leaves in the folder: the hidden temporary files of atomic writes
    /// (`.name.tmp-*`) and of downloads (`.name.part-*`). Only when no run of this batch is going.
    @discardableResult
    func removeTemporaryFiles() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var removed = 0
        for name in names where DurableFile.isTemporary(name) || (name.hasPrefix(".") && name.contains(".part-")) {
            if unlink(file(name)) == 0 { removed += 1 }
        }
        return removed
    }

    // MARK: - JSON

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws(WorkspaceError) {
        let data: Data
        do {
            data = try encoder().encode(value)
        } catch {
            throw WorkspaceError(kind: .system, message: "cannot encode \(path): \(error)")
        }
        do {
            try DurableFile.write(Array(data) + [0x0A], to: path, durability: .synced)
        } catch {
            throw WorkspaceError(error)
        }
    }

    static func readJSON<T: Decodable>(_ type: T.Type, from path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(T.self, from: data)
    }
}

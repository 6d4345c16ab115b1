import Foundation
import SystemIO

/// Where a retry by hand of one batch stands (docs/ARCHITECTURE.md § Retrying a batch by hand).
public enum BatchRetryState: String, Codable, Sendable {
    /// Its lines are chosen and written; the create goes out (or went out and its answer is awaited).
    case submitting
    /// Its batch exists; its run follows it to its results.
    case running
    /// Its results are merged into the original batch's `docs/` and `index.json`.
    case merged
    /// It ended without anything to merge (its batch failed or ended without results, or a step failed for good).
    case failed

    /// Whether nothing more happens to it.
    public var isSettled: Bool { self == .merged || self == .failed }
}

/// `outputs/<batch_id>/retries.json`: every retry by hand of a batch, in order, fsynced at each step. Attempt 1 is
/// the batch itself; a retry is attempt 2, 3, … The record is written before the create goes out, so a process that
/// stops at any point finds the attempt here and submits its file again under the same submission key (which
/// reuses or adopts its batch: never a second one).
struct BatchRetryRecord: Codable, Sendable {
    /// One retry.
    struct Attempt: Codable, Sendable {
        /// 2 for the first retry.
        var attempt: Int
        /// Its request lines, relative to the original's folder (`retries/attempt2.jsonl`).
        var file: String
        /// How many lines it submitted.
        var requests: Int
        /// Whether lines that failed for good were included.
        var all: Bool
        /// Its batch, once created.
        var batchID: String?
        /// Where it stands.
        var state: BatchRetryState
        /// Why it failed.
        var failure: String?
        /// Seconds between polls of its batch.
        var pollInterval: Double
        /// When it was asked for (Unix seconds).
        var startedAt: Int

        enum CodingKeys: String, CodingKey {
            case attempt, file, requests, all, batchID = "batch_id", state, failure, pollInterval = "poll_interval", startedAt = "started_at"
        }
    }

    /// The original batch.
    var batchID: String
    /// Its retries, oldest first.
    var attempts: [Attempt]

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", attempts
    }

    /// The file's name in the batch's folder.
    static let fileName = "retries.json"
    /// The folder of the retries' request files in the batch's folder.
    static let folderName = "retries"

    /// The record in `folder`, if any. Blocking.
    static func read(in folder: String) -> BatchRetryRecord? {
        BatchFolder.readJSON(BatchRetryRecord.self, from: folder + "/" + fileName)
    }

    /// Writes the record in `folder` (temporary name, fsync, rename). Blocking.
    func write(in folder: String) throws(WorkspaceError) {
        try BatchFolder.writeJSON(self, to: folder + "/" + Self.fileName)
    }

    /// The retry numbered `attempt`.
    func attempt(_ number: Int) -> Attempt? {
        attempts.first { $0.attempt == number }
    }

    /// Replaces the retry of the same number.
    mutating func update(_ attempt: Attempt) {
        guard let index = attempts.firstIndex(where: { $0.attempt == attempt.attempt }) else {
            attempts.append(attempt)
            return
        }
        attempts[index] = attempt
    }
}

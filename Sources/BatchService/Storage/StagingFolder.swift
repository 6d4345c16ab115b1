import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// A hidden folder in `outputs/` where a submission is assembled before its batch id is known:
/// `outputs/.staging-<process token>-<random>/`. Once the batch exists its state files are written here and the
/// whole folder is renamed to `outputs/<batch_id>` in one step, so a batch folder is never half made.
/// A crash leaves at most a staging folder, which the next sweep (`resumeRuns()`, or a `run`'s start) cleans
/// up, or publishes when the batch was created (then `submission.json` is inside); `StagingOwner` tells a
/// dead process's folder from a live one's. Blocking: use inside `BlockingThread`.
struct StagingFolder: Sendable {
    /// The prefix of staging folder names.
    static let prefix = ".staging-"

    /// The folder, absolute.
    let path: String

    /// Creates a fresh staging folder in `outputs`.
    static func create(in outputs: String) throws(WorkspaceError) -> StagingFolder {
        var generator = SystemRandomNumberGenerator()
        let path = outputs + "/" + prefix + processToken + "-" + String(generator.next() as UInt64, radix: 36)
        // The owner's mark first: a sweep in another process must see this folder as in use.
        try StagingOwner.claim(path, in: outputs)
        guard mkdir(path, 0o755) == 0 else {
            let code = errno
            StagingOwner.unclaim(path, in: outputs)
            throw .system("mkdir", path, errno: code)
        }
        return StagingFolder(path: path)
    }

    /// The folder seen as a batch folder (to write its state files before publishing).
    var folder: BatchFolder { BatchFolder(path: path) }

    /// Renames the folder to `destination` (which must not exist) and makes the rename durable.
    func publish(as destination: String) throws(WorkspaceError) {
        // Best effort, as before: the state files were fsynced one by one already.
        try? FolderSync.syncFolder(path)
        // rename(2) replaces an empty directory silently; a batch folder that exists must not be replaced.
        guard access(destination, F_OK) != 0 else {
            throw WorkspaceError(kind: .system, message: "\(destination) exists already")
        }
        guard rename(path, destination) == 0 else { throw .system("rename", destination, errno: errno) }
        try? FolderSync.syncFolder(of: destination)
    }

    /// Removes the folder and what it holds.
    func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// This process no longer stages here (published or discarded): see `StagingOwner`.
    func unclaim() {
        StagingOwner.unclaim(path, in: String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]))
    }

    /// A random token for this process: a pid would repeat across restarts in a container (always 1).
    static let processToken: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }()
}

import Foundation
import Synchronization
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// Unanswered create calls as files `outputs/.pending/<digest of the key>.json`, each written to a temporary
/// name, fsynced and renamed (docs/ARCHITECTURE.md § Storage layout). The folder is hidden, so nothing
/// that lists batch folders sees it, and it outlives the staging folder a crash leaves behind.
extension FileStateStore {
    /// The folder name, in `outputs/`.
    static let pendingFolder = ".pending"

    public func pendingSubmission(forKey key: SubmissionKey) async -> PendingSubmission? {
        let path = pendingPath(key)
        return await BlockingThread.run("pending") { () -> PendingSubmission? in
            guard let pending = BatchFolder.readJSON(PendingSubmission.self, from: path), pending.key == key else { return nil }
            return pending
        }
    }

    public func putPendingSubmission(_ pending: PendingSubmission) async throws(WorkspaceError) {
        let folder = outputsDirectory + "/" + Self.pendingFolder
        let path = pendingPath(pending.key)
        try await BlockingThread.run("pending") { () throws(WorkspaceError) in
            try Self.pendingFolderLock.withLock { _ throws(WorkspaceError) in
                if mkdir(folder, 0o755) == 0 {
                    // The folder's own entry must survive a crash too.
                    try? FolderSync.syncFolder(of: folder)
                } else if errno != EEXIST {
                    throw .system("mkdir", folder, errno: errno)
                }
                try BatchFolder.writeJSON(pending, to: path)
            }
        }
    }

    public func removePendingSubmission(forKey key: SubmissionKey) async {
        let folder = outputsDirectory + "/" + Self.pendingFolder
        let path = pendingPath(key)
        await BlockingThread.run("pending") {
            Self.pendingFolderLock.withLock { _ in
                guard unlink(path) == 0 else { return }
                // The folder goes with its last record (rmdir refuses one that holds others): nothing is left behind.
                _ = rmdir(folder)
            }
        }
    }

    /// Between making the folder and writing into it, no removal of the folder in this process.
    private static let pendingFolderLock = Mutex(())

    /// One file per key: a digest, because a job name can hold any character.
    private func pendingPath(_ key: SubmissionKey) -> String {
        let text = key.inputSHA256 + "\n" + (key.jobName.map { "job:" + $0 } ?? "-")
        return outputsDirectory + "/" + Self.pendingFolder + "/" + SHA256.hex(of: Array(text.utf8)) + ".json"
    }
}

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Which process a hidden temporary of `outputs/` belongs to, and whether that process still lives.
///
/// Every process that stages anything in an outputs folder first takes an advisory lock (`flock`) on
/// `outputs/.owner-<token>` and names what it stages with its token: `.staging-<token>-…` (the service),
/// `.run-<token>-…` and `.inflate-<token>-…` (the command line's copies). The kernel drops the locks of a
/// process that dies, even by `kill -9`, so a sweep (`sweep(_:)`, at a service's start or a `run`'s) removes
/// exactly what dead processes left and never what a live one, here or in another process, is working on.
/// Blocking: call on a `BlockingThread`.
public enum StagingOwner {
    /// The prefix of the owner marks.
    static let markPrefix = ".owner-"
    /// The prefixes of what is staged under a token, each followed by `<token>-`.
    public static let stagedPrefixes = [StagingFolder.prefix, ".run-", ".inflate-"]

    /// This process's token (`StagingFolder.processToken`): a pid would repeat across restarts in a container.
    public static var token: String { StagingFolder.processToken }

    /// The locked mark of this process, by outputs folder.
    private static let marks = Mutex<[String: Int32]>([:])

    /// Takes this process's mark in `outputs` (once; later calls return at once). Throws when the mark
    /// cannot be made: staging without it could be swept by another process.
    public static func claim(_ outputs: String) throws(WorkspaceError) {
        // Under the mutex from the check to the record: a second descriptor of this process would wait
        // for the first one's lock forever (flock locks belong to open files, not processes).
        let path = outputs + "/" + markPrefix + token
        try marks.withLock { (held: inout [String: Int32]) throws(WorkspaceError) in
            if let fd = held[outputs] {
                // Still in place, unless the folder was emptied or removed since: then marked anew.
                if access(path, F_OK) == 0 { return }
                close(fd)
                held[outputs] = nil
            }
            held[outputs] = try lockedMark(path)
        }
    }

    /// Opens and locks the mark at `path`, made anew when a sweep unlinked it between the open and the lock.
    private static func lockedMark(_ path: String) throws(WorkspaceError) -> Int32 {
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .system("open", path, errno: errno) }
            guard flock(fd, LOCK_EX) == 0 else {
                let code = errno
                close(fd)
                throw .system("flock", path, errno: code)
            }
            var byPath = stat(), byDescriptor = stat()
            if stat(path, &byPath) == 0, fstat(fd, &byDescriptor) == 0, byPath.st_ino == byDescriptor.st_ino { return fd }
            close(fd)
        }
    }

    /// Gives up this process's mark in `outputs` (a command that staged there and is done: nothing of it is
    /// left to protect). Unlinked while still locked, so no sweep mistakes it for a dead one's in between.
    public static func release(_ outputs: String) {
        marks.withLock { held in
            guard let fd = held.removeValue(forKey: outputs) else { return }
            unlink(outputs + "/" + markPrefix + token)
            close(fd)
        }
    }

    /// The token in a staged name (`.staging-<token>-…`), or nil for any other name.
    static func token(of name: String) -> String? {
        guard let prefix = stagedPrefixes.first(where: { name.hasPrefix($0) }) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dash = rest.firstIndex(of: "-"), dash > rest.startIndex else { return nil }
        return String(rest[..<dash])
    }

    /// Whether the process of `token` still lives (holds its mark in `outputs`). This process always does.
    static func isAlive(_ token: String, in outputs: String) -> Bool {
        if token == self.token { return true }
        let fd = open(outputs + "/" + markPrefix + token, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK
    }

    /// Removes the marks of dead processes and hands over the names they staged (the caller decides what
    /// to do with a staging folder); what live processes staged is left alone.
    static func orphans(in outputs: String) -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: outputs)) ?? []).sorted()
        var alive: [String: Bool] = [:]
        var found: [String] = []
        for name in names {
            guard let owner = token(of: name) else { continue }
            if alive[owner] == nil { alive[owner] = isAlive(owner, in: outputs) }
            if alive[owner] == false { found.append(name) }
        }
        for name in names where name.hasPrefix(markPrefix) {
            let path = outputs + "/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            // Unlinked only while its lock is ours: a process claiming it then sees the change and makes it anew.
            if name.dropFirst(markPrefix.count) != token, flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(fd)
        }
        return found
    }
}

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Which process a hidden temporary of `outputs/` belongs to, and whether that process still lives.
///
/// A process that stages anything in an outputs folder holds an advisory lock (`flock`) on
/// `outputs/.owner-<token>` for as long as it has something staged there, and names what it stages with
/// its token: `.staging-<token>-…` (the service), `.run-<token>-…` and `.inflate-<token>-…` (the command
/// line's copies). The kernel drops the locks of a process that dies, even by `kill -9`, so a sweep
/// (`FileStateStore.sweepStaging`, at a service's start or a `run`'s) removes exactly what dead processes
/// left and never what a live one, here or in another process, is working on. The mark goes with the last
/// item staged, so an idle process leaves nothing in `outputs/`. Blocking: call on a `BlockingThread`.
public enum StagingOwner {
    /// The prefix of the owner marks.
    static let markPrefix = ".owner-"
    /// The prefixes of what is staged under a token, each followed by `<token>-`.
    public static let stagedPrefixes = [StagingFolder.prefix, ".run-", ".inflate-"]

    /// This process's token (`StagingFolder.processToken`): a pid would repeat across restarts in a container.
    public static var token: String { StagingFolder.processToken }

    /// The locked mark of this process and what it has staged, by outputs folder.
    private struct Mark {
        var descriptor: Int32
        var items: Set<String>
    }

    private static let marks = Mutex<[String: Mark]>([:])

    /// Declares `item` (a path about to be made) staged by this process in `outputs`, taking the process's
    /// mark first when it holds none there. Throws when the mark cannot be made: staging without it could
    /// be swept by another process.
    public static func claim(_ item: String, in outputs: String) throws(WorkspaceError) {
        // Under the mutex from the check to the record: a second descriptor of this process would wait
        // for the first one's lock forever (flock locks belong to open files, not processes).
        let path = outputs + "/" + markPrefix + token
        try marks.withLock { (held: inout [String: Mark]) throws(WorkspaceError) in
            if var mark = held[outputs] {
                // Still in place, unless the folder was emptied or removed since: then marked anew.
                if access(path, F_OK) != 0 {
                    close(mark.descriptor)
                    mark.descriptor = try lockedMark(path)
                }
                mark.items.insert(item)
                held[outputs] = mark
                return
            }
            held[outputs] = Mark(descriptor: try lockedMark(path), items: [item])
        }
    }

    /// `item` is no longer staged (published, moved or removed); with the last one, the mark goes (unlinked
    /// while still locked, so no sweep mistakes it for a dead process's in between). Idempotent.
    public static func unclaim(_ item: String, in outputs: String) {
        marks.withLock { held in
            guard var mark = held[outputs], mark.items.remove(item) != nil else { return }
            if mark.items.isEmpty {
                unlink(outputs + "/" + markPrefix + token)
                close(mark.descriptor)
                held[outputs] = nil
            } else {
                held[outputs] = mark
            }
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

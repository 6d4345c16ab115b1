import Foundation
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// Plain POSIX file operations under one `docs/` directory, relative to its descriptor (a class,
/// because it owns that descriptor).
///
/// A crash never leaves half a document in `docs/`:
/// - when `docs/` does not exist yet (the first parse of a batch), the whole tree is written into
///   a staging directory `.docs.partial` with plain open/write/close and published by one rename
///   in `publish()`, after one `syncfs`: per file this costs what a bare write loop costs;
/// - when `docs/` exists (re-runs, `force`), each document is written to a temporary name and
///   renamed into place.
/// Nothing is fsynced per file (a per-file fsync costs ~9×).
final class DocumentStore {
    /// Path of `docs/`, for messages.
    let root: String
    /// True when this run creates `docs/`: then nothing exists that the run did not write, and
    /// existence checks are skipped.
    let isFresh: Bool
    /// The staging directory published as `root`, for a fresh `docs/`.
    private let staging: String?
    private let directory: Int32
    private var createdDirectories: Set<String> = []

    init(root: String) throws(ParseError) {
        self.root = root
        if access(root, F_OK) == 0 {
            isFresh = false
            staging = nil
        } else {
            let slash = root.lastIndex(of: "/")
            let parent = slash.map { String(root[..<$0]) } ?? "."
            let name = slash.map { String(root[root.index(after: $0)...]) } ?? root
            let path = parent + "/." + name + ".partial"
            // Left by a run that crashed: none of it was ever published.
            if access(path, F_OK) == 0 { try? FileManager.default.removeItem(atPath: path) }
            guard mkdir(path, 0o755) == 0 else { throw .system("mkdir", path: path, errno: errno) }
            isFresh = true
            staging = path
        }
        directory = open(staging ?? root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .system("open", path: staging ?? root, errno: errno) }
    }

    deinit {
        close(directory)
    }

    /// True when `relativePath` exists.
    func exists(_ relativePath: String) -> Bool {
        if isFresh { return false }
        return faccessat(directory, relativePath, F_OK, 0) == 0
    }

    /// Writes `bytes` to `relativePath` through a temporary name and `renameat(2)`.
    func write(_ bytes: [UInt8], to relativePath: String) throws(ParseError) {
        let slash = relativePath.lastIndex(of: "/")
        let folder = slash.map { String(relativePath[..<$0]) } ?? ""
        if !folder.isEmpty { try ensureDirectory(folder) }
        if isFresh {
            // Unpublished staging tree: a plain write is already crash-safe.
            let path = root + "/" + relativePath
            let fd = openat(directory, relativePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .system("open", path: path, errno: errno) }
            do throws(SystemError) {
                try SystemCall.writeAll(fd, bytes, path: path)
            } catch {
                close(fd)
                throw ParseError(error, file: path)
            }
            guard close(fd) == 0 else { throw .system("close", path: path, errno: errno) }
            return
        }
        // Sanitised names never start with a dot, so the temporary name cannot be a document's.
        do {
            try DurableFile.write(bytes, to: relativePath, inFolder: directory, displayRoot: root)
        } catch {
            throw ParseError(error, file: root + "/" + relativePath)
        }
    }

    /// A file to stream to `relativePath` (a data file too large for one array), written under a temporary
    /// name; `commit(_:)` renames it into place, without fsync (the run's one `syncfs` covers it).
    func makeFile(_ relativePath: String) throws(ParseError) -> DurableFile {
        let path = (staging ?? root) + "/" + relativePath
        do {
            return try DurableFile(path: path)
        } catch {
            throw ParseError(error, file: root + "/" + relativePath)
        }
    }

    /// Puts a file of `makeFile(_:)` in place.
    func commit(_ file: DurableFile) throws(ParseError) {
        do {
            try file.commit(.deferred)
        } catch {
            throw ParseError(error, file: file.path)
        }
    }

    /// Reads a whole file, or `nil` when it does not exist (segments, when assembling `final.md`).
    func read(_ relativePath: String) throws(ParseError) -> [UInt8]? {
        let fd = openat(directory, relativePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .system("open", path: root + "/" + relativePath, errno: errno)
        }
        defer { close(fd) }
        do {
            return try SystemCall.readAll(fd, path: root + "/" + relativePath)
        } catch {
            throw ParseError(error, file: root + "/" + relativePath)
        }
    }

    /// Makes the run's documents durable with one `syncfs`, then, for a fresh `docs/`, publishes
    /// the staging directory under its name.
    func publish() throws(ParseError) {
        do throws(SystemError) {
            try FolderSync.syncFileSystem(folder: directory, displayPath: root)
            guard let staging else { return }
            _ = try SystemCall.call("rename", path: root) { rename(staging, root) }
            try FolderSync.syncFolder(of: root)
        } catch {
            throw ParseError(error, file: root)
        }
    }

    private func ensureDirectory(_ relative: String) throws(ParseError) {
        if createdDirectories.contains(relative) { return }
        var partial = ""
        for component in relative.split(separator: "/") {
            partial += partial.isEmpty ? String(component) : "/" + component
            if createdDirectories.contains(partial) { continue }
            if mkdirat(directory, partial, 0o755) != 0 && errno != EEXIST {
                throw .system("mkdir", path: root + "/" + partial, errno: errno)
            }
            createdDirectories.insert(partial)
        }
    }
}

import Glibc

/// A file written under a temporary name in its folder and renamed into place, so a crash never
/// leaves half a file under the real name.
///
/// With `.synced` (state files: `batch.json`, run state, `index.json`) the file is fsynced before
/// the rename and the folder after it, so data and name survive a power cut. With `.deferred`
/// (documents, bulk artifacts) nothing is fsynced: a per-file fsync costs ~9× (docs/ARCHITECTURE.md § Storage layout), so
/// the caller syncs once at the end (`FolderSync`).
///
/// Temporary names are `.<name>.tmp-<random>`: hidden, unique, and recognised by `isTemporary` so
/// that sweeps after a crash find them.
public final class DurableFile {
    /// The final path.
    public let path: String
    /// The temporary path written until `commit`.
    public let temporaryPath: String
    private var fd: Int32
    /// Set once the file was renamed into place or removed: nothing is left to clean up.
    private var finished = false

    /// Creates the temporary file beside `path`.
    public init(path: String) throws(SystemError) {
        self.path = path
        temporaryPath = Self.temporaryName(for: path)
        let temporary = temporaryPath
        fd = try SystemCall.call("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
    }

    deinit {
        abandon()
    }

    /// Appends `bytes`.
    public func append(_ bytes: [UInt8]) throws(SystemError) {
        try SystemCall.writeAll(fd, bytes, path: temporaryPath)
    }

    /// Appends `bytes`.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        try SystemCall.writeAll(fd, bytes, path: temporaryPath)
    }

    /// Closes the file (a failed `close` is reported: it can be the first news of a lost write),
    /// fsyncs it first when `.synced`, and renames it into place. On failure the temporary file is
    /// removed.
    public func commit(_ durability: Durability = .synced) throws(SystemError) {
        do throws(SystemError) {
            if durability == .synced {
                _ = try SystemCall.call("fsync", path: temporaryPath) { fsync(fd) }
            }
            let descriptor = fd
            fd = -1
            // Not retried: after EINTR the descriptor is already closed on Linux.
            if close(descriptor) != 0 { throw SystemError.call("close", path: temporaryPath, errno: Glibc.errno) }
            let (from, to) = (temporaryPath, path)
            _ = try SystemCall.call("rename", path: path) { rename(from, to) }
            finished = true
        } catch {
            abandon()
            throw error
        }
        if durability == .synced { try FolderSync.syncFolder(of: path) }
    }

    /// Closes and removes the temporary file (after a failure); does nothing after `commit`.
    public func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        guard !finished else { return }
        finished = true
        unlink(temporaryPath)
    }

    /// Writes `bytes` to `path` in one go; see `commit` for `durability`.
    public static func write(_ bytes: [UInt8], to path: String, durability: Durability) throws(SystemError) {
        let file = try DurableFile(path: path)
        try file.append(bytes)
        try file.commit(durability)
    }

    /// Writes `bytes` to `relativePath` inside the folder open as `folder`, through a temporary
    /// name and `renameat(2)`, without fsync: the many-files variant, for documents, whose caller
    /// syncs once at the end with `FolderSync.syncFileSystem(folder:)`. `displayRoot` prefixes the
    /// paths in errors.
    public static func write(
        _ bytes: [UInt8], to relativePath: String, inFolder folder: Int32, displayRoot: String
    ) throws(SystemError) {
        let temporary = temporaryName(for: relativePath)
        let fd = try SystemCall.call("open", path: displayRoot + "/" + temporary) {
            openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        do throws(SystemError) {
            try SystemCall.writeAll(fd, bytes, path: displayRoot + "/" + temporary)
        } catch {
            close(fd)
            unlinkat(folder, temporary, 0)
            throw error
        }
        if close(fd) != 0 {
            let code = Glibc.errno
            unlinkat(folder, temporary, 0)
            throw .call("close", path: displayRoot + "/" + temporary, errno: code)
        }
        do throws(SystemError) {
            _ = try SystemCall.call("rename", path: displayRoot + "/" + relativePath) {
                renameat(folder, temporary, folder, relativePath)
            }
        } catch {
            unlinkat(folder, temporary, 0)
            throw error
        }
    }

    /// `folder/.name.tmp-<random>`: hidden, unique, in the same file system as `path`.
    public static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var generator = SystemRandomNumberGenerator()
        return folder + "." + name + temporaryMarker + String(generator.next() as UInt64, radix: 36)
    }

    /// Whether a folder entry's `name` is one of `temporaryName`'s (left by a crash).
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMarker)
    }

    /// What every temporary name holds after the target's name.
    public static let temporaryMarker = ".tmp-"
}

/// Whether `DurableFile` fsyncs the file and its folder, or leaves one sync to the caller.
public enum Durability: Sendable, Equatable {
    /// fsync the file before the rename and the folder after it.
    case synced
    /// No fsync: the caller syncs once for many files.
    case deferred
}

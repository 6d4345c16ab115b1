import Glibc

/// Makes renames and many unsynced files durable: fsync of a folder, and one `syncfs` for a run
/// of documents (docs/ARCHITECTURE.md § Storage layout).
public enum FolderSync {
    /// Makes a rename durable: fsyncs the folder that holds `path`'s entry.
    public static func syncFolder(of path: String) throws(SystemError) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        try syncFolder(folder.isEmpty ? "/" : folder)
    }

    /// fsyncs the folder `folder`; a failed `close` is reported.
    public static func syncFolder(_ folder: String) throws(SystemError) {
        let fd = try SystemCall.call("open", path: folder) { open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        do throws(SystemError) {
            _ = try SystemCall.call("fsync", path: folder) { fsync(fd) }
        } catch {
            close(fd)
            throw error
        }
        if close(fd) != 0 { throw .call("close", path: folder, errno: Glibc.errno) }
    }

    /// Flushes the whole file system that holds the open folder `folder` (one call for thousands
    /// of unsynced files, where a per-file fsync costs ~9×). `displayPath` names it in errors.
    public static func syncFileSystem(folder: Int32, displayPath: String) throws(SystemError) {
        guard let syncfs else {
            sync()  // Older C libraries: flush everything rather than nothing.
            return
        }
        _ = try SystemCall.call("syncfs", path: displayPath) { syncfs(folder) }
    }

    /// glibc declares `syncfs` only under `_GNU_SOURCE`, which the Swift Glibc module does not
    /// define, so it is looked up once at run time.
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()
}

#if canImport(Glibc)
import Glibc
#endif

/// Writes a whole file under a temporary name in the same folder and renames it into place, so a crash
/// never leaves half a file. State files (`batch.json`, run state) are fsynced, file and folder, before
/// and after the rename; bulk artifacts skip the fsync (DESIGN.md §6).
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically; with `durable`, the data and the rename survive a power cut.
    public static func write(_ bytes: [UInt8], to path: String, durable: Bool) throws(WorkspaceError) {
        let temporary = temporaryName(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open", temporary, errno: errno) }
        var failure: WorkspaceError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .system("write", temporary, errno: errno)
                    return
                }
                offset += written
            }
        }
        if failure == nil, durable, fsync(fd) != 0 { failure = .system("fsync", temporary, errno: errno) }
        if close(fd) != 0, failure == nil { failure = .system("close", temporary, errno: errno) }
        if failure == nil, rename(temporary, path) != 0 { failure = .system("rename", path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        if durable { syncDirectory(of: path) }
    }

    /// `folder/.name.tmp-<random>`: hidden, unique, in the same file system as the target.
    static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var generator = SystemRandomNumberGenerator()
        return folder + "." + name + ".tmp-" + String(generator.next() as UInt64, radix: 36)
    }

    /// Makes a rename durable: fsync the folder that holds the entry.
    static func syncDirectory(of path: String) {
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A state file (`index.json`) written durably: temporary name, appends, fsync, rename, then
/// fsync of the directory so the rename itself survives a crash.
final class DurableFile {
    private let path: String
    private let temporary: String
    private let folder: String
    private var fd: Int32

    /// Creates the temporary file beside `path`.
    init(path: String) throws(ParseError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        temporary = folder + "/." + name + ".tmp"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open", path: temporary, errno: errno) }
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Appends `bytes`.
    func append(_ bytes: [UInt8]) throws(ParseError) {
        try DocumentStore.writeAll(bytes, to: fd, path: temporary)
    }

    /// Makes the file durable and gives it its name.
    func commit() throws(ParseError) {
        guard fsync(fd) == 0 else { throw .system("fsync", path: temporary, errno: errno) }
        close(fd)
        fd = -1
        guard rename(temporary, path) == 0 else { throw .system("rename", path: path, errno: errno) }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Removes the temporary file after a failure.
    func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporary)
    }
}

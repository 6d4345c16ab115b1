#if canImport(Glibc)
import Glibc
#endif

/// Plain POSIX file operations under one `docs/` directory.
///
/// Documents are written to a temporary name and renamed, without a per-file fsync: one
/// `syncfs` at the end of the run makes them durable together (a per-file fsync costs ~9×).
struct DocumentStore {
    /// Absolute or working-directory-relative path of `docs/`.
    let root: String
    private var createdDirectories: Set<String> = []

    init(root: String) throws(ParseError) {
        self.root = root
        try makeDirectory(root)
    }

    /// True when `relativePath` exists.
    func exists(_ relativePath: String) -> Bool {
        access(root + "/" + relativePath, F_OK) == 0
    }

    /// Writes `bytes` to `relativePath` through a temporary file and `rename(2)`.
    mutating func write(_ bytes: [UInt8], to relativePath: String) throws(ParseError) {
        let slash = relativePath.lastIndex(of: "/")
        let directory = slash.map { String(relativePath[..<$0]) } ?? ""
        let name = slash.map { String(relativePath[relativePath.index(after: $0)...]) } ?? relativePath
        if !directory.isEmpty { try ensureDirectory(directory) }
        let folder = directory.isEmpty ? root : root + "/" + directory
        // Sanitised names never start with a dot, so the temporary name cannot be a document's.
        let temporary = folder + "/." + name + ".tmp"
        let final = folder + "/" + name
        try Self.writeFile(bytes, to: temporary)
        guard rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system("rename", path: final, errno: code)
        }
    }

    /// Reads a whole file (segments, when assembling `final.md`).
    func read(_ relativePath: String) throws(ParseError) -> [UInt8] {
        let path = root + "/" + relativePath
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open", path: path, errno: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("read", path: path, errno: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Flushes everything written on the file system of `docs/`, once per run.
    func syncAll() throws(ParseError) {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open", path: root, errno: errno) }
        defer { close(fd) }
        guard let syncfs = Self.syncfs else {
            sync()  // Older C libraries: flush everything rather than nothing.
            return
        }
        guard syncfs(fd) == 0 else { throw .system("syncfs", path: root, errno: errno) }
    }

    /// glibc declares `syncfs` only under `_GNU_SOURCE`, which the Swift Glibc module does not
    /// define, so it is looked up once at run time.
    private static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    private mutating func ensureDirectory(_ relative: String) throws(ParseError) {
        if createdDirectories.contains(relative) { return }
        var partial = ""
        for component in relative.split(separator: "/") {
            partial += partial.isEmpty ? String(component) : "/" + component
            if createdDirectories.contains(partial) { continue }
            try makeDirectory(root + "/" + partial)
            createdDirectories.insert(partial)
        }
    }

    private func makeDirectory(_ path: String) throws(ParseError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .system("mkdir", path: path, errno: errno)
        }
    }

    /// `open`/`write`/`close`, retrying short writes and `EINTR`.
    static func writeFile(_ bytes: [UInt8], to path: String, sync: Bool = false) throws(ParseError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .system("open", path: path, errno: errno) }
        var failure: ParseError?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = .system("write", path: path, errno: errno)
                    return
                }
                offset += count
            }
        }
        if failure == nil, sync, fsync(fd) != 0 { failure = .system("fsync", path: path, errno: errno) }
        if close(fd) != 0, failure == nil { failure = .system("close", path: path, errno: errno) }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    /// Writes a state file durably: temporary name, fsync, rename, fsync of the directory.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws(ParseError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = directory + "/." + name + ".tmp"
        try writeFile(bytes, to: temporary, sync: true)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system("rename", path: path, errno: code)
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

import Glibc
import SystemIO

/// A fresh folder under `/tmp` for one test, removed with its files by `remove()`.
struct TemporaryFolder {
    let path: String

    init() {
        var template = Array("/tmp/systemio-test.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = made.map { String(cString: $0) } ?? "/tmp"
    }

    /// Names of the folder's entries, sorted, without `.` and `..`.
    func entries() -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The bytes of `name` in the folder.
    func read(_ name: String) throws -> [UInt8] {
        let fd = try SystemCall.call("open") { open(path + "/" + name, O_RDONLY) }
        defer { close(fd) }
        return try SystemCall.readAll(fd)
    }

    /// Writes `bytes` to `name` in the folder.
    func write(_ name: String, _ bytes: [UInt8]) throws {
        let fd = try SystemCall.call("open") { open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644) }
        defer { close(fd) }
        try SystemCall.writeAll(fd, bytes)
    }

    func remove() {
        for name in entries() { unlink(path + "/" + name) }
        rmdir(path)
    }
}

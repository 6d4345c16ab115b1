import Glibc

/// Reads a file's lines in large chunks (1 MiB reads), so memory stays bounded on a 200 MB file.
/// Lines come without their `\n` (and a trailing `\r`); the last line may lack a newline.
struct LineReader: ~Copyable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    static let chunkSize = 1 << 20

    /// Opens a file; throws `FileIOError` when it cannot.
    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(call: "open", path: path, errno: errno) }
    }

    deinit { close(fd) }

    /// The next line, or nil at the end of the file.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var line = buffer[start..<newline]
                start = newline + 1
                if line.last == 0x0D { line = line.dropLast() }
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                start = buffer.count
                if line.last == 0x0D { line = line.dropLast() }
                return line
            }
            try fill()
        }
    }

    private mutating func fill() throws {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let previous = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
        let n = buffer.withUnsafeMutableBytes { raw in
            read(fd, raw.baseAddress! + previous, Self.chunkSize)
        }
        guard n >= 0 else {
            buffer.removeLast(Self.chunkSize)
            if errno == EINTR { return }
            throw FileIOError(call: "read", path: "", errno: errno)
        }
        buffer.removeLast(Self.chunkSize - n)
        if n == 0 { atEnd = true }
    }
}

/// A failed file call, with the call and errno.
struct FileIOError: Error, CustomStringConvertible {
    let call: String
    let path: String
    let errno: Int32

    var description: String { "\(call)(\(path)) failed: \(String(cString: strerror(errno)))" }
}

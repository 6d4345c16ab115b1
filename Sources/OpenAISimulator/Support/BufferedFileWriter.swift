import Glibc

/// Appends bytes to a new file through a 1 MiB buffer: few `write(2)` calls, bounded memory.
final class BufferedFileWriter {
    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// Bytes written so far (buffered included).
    private(set) var byteCount: Int64 = 0
    /// Lines written so far.
    private(set) var lineCount = 0
    private var closed = false
    static let flushSize = 1 << 20

    /// Creates (truncates) the file.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileIOError(call: "open", path: path, errno: errno) }
        buffer.reserveCapacity(Self.flushSize)
    }

    deinit { if !closed { close(fd) } }

    /// Appends one line and its `\n`.
    func writeLine(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        byteCount += Int64(bytes.count + 1)
        lineCount += 1
        if buffer.count >= Self.flushSize { try flush() }
    }

    /// Writes what is buffered.
    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(call: "write", path: path, errno: errno)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes.
    func finish() throws {
        try flush()
        closed = true
        close(fd)
    }
}

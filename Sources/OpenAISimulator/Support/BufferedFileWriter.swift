import Glibc
import SystemIO

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

    /// Appends `count` lines that `bytes` holds, each with its `\n`. A block as large as the
    /// buffer goes straight to the file, without a copy into the buffer first.
    func writeLines(_ bytes: some Collection<UInt8>, count: Int) throws {
        byteCount += Int64(bytes.count)
        lineCount += count
        if bytes.count < Self.flushSize {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.flushSize { try flush() }
            return
        }
        try flush()
        let wrote = try bytes.withContiguousStorageIfAvailable { try writeAll(UnsafeRawBufferPointer($0)); return true } ?? false
        if !wrote {
            buffer.append(contentsOf: bytes)
            try flush()
        }
    }

    /// Writes what is buffered.
    func flush() throws {
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try SystemCall.writeAll(fd, bytes, path: path)
        } catch {
            throw FileIOError(error)
        }
    }

    /// Flushes and closes; a failed `close` is reported (on some file systems it is where a write error shows).
    func finish() throws {
        try flush()
        closed = true
        guard close(fd) == 0 else { throw FileIOError(call: "close", path: path, errno: errno) }
    }
}

import Glibc

/// Splits a file, or bytes already in memory (a mapping), into lines: each comes without its `\n`
/// and without a `\r` before it, the last one may lack a newline, and empty lines are returned too
/// (callers that skip them still count them in `lineNumber`).
///
/// A file is read with `read(2)` into one reusable buffer that grows only for a longer line, so
/// memory stays bounded by the longest line, not the file (result files reach 200 MB). The buffer
/// grows with `realloc`, which moves a large block by remapping its pages (a copy would hold the old
/// and the new buffer at once: 96 MB resident for a 50 MB line), and shrinks back to its first size
/// once the long line is behind, so one long line does not pin its memory for the rest of the file.
/// A line whose pending bytes fill a buffer already larger than `maxLineBytes` throws `lineTooLong`.
public final class LineReader {
    private let fd: Int32
    private let path: String
    private let maxLineBytes: Int
    /// The file's buffer, or the mapping (never grown or freed then).
    private var buffer: UnsafeMutableRawBufferPointer
    private let ownsBuffer: Bool
    /// The size an owned buffer starts with and shrinks back to.
    private let initialCapacity: Int
    /// Bytes `[start, end)` of `buffer` are read and not yet handed out.
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// 1-based number of the last line returned.
    public private(set) var lineNumber = 0

    /// Opens `path` for reading; a missing file throws `open` with `ENOENT`.
    public init(path: String, maxLineBytes: Int = .max, initialCapacity: Int = 1 << 20) throws(SystemError) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        let limit = maxLineBytes == .max ? maxLineBytes : maxLineBytes + 1
        self.initialCapacity = max(4096, min(initialCapacity, limit))
        buffer = try Self.resized(nil, to: self.initialCapacity, path: path)
        ownsBuffer = true
        do {
            fd = try SystemCall.call("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        } catch {
            free(buffer.baseAddress)
            throw error
        }
    }

    /// Reads the lines of `bytes` (e.g. a memory-mapped file) in place; the caller keeps them
    /// alive and unchanged while the reader is used. `name` appears in errors.
    public init(mapping bytes: UnsafeRawBufferPointer, name: String, maxLineBytes: Int = .max) {
        fd = -1
        path = name
        self.maxLineBytes = maxLineBytes
        buffer = UnsafeMutableRawBufferPointer(mutating: bytes)
        ownsBuffer = false
        initialCapacity = bytes.count
        end = bytes.count
        atEOF = true
    }

    deinit {
        if ownsBuffer { free(buffer.baseAddress) }
        if fd >= 0 { close(fd) }
    }

    /// The next line, or `nil` at the end. The bytes stay valid only until the next call.
    public func next() throws(SystemError) -> UnsafeRawBufferPointer? {
        // Bytes after `start` already searched for a newline; an offset, because `fill` moves data.
        var scanned = 0
        while true {
            if let newline = findNewline(from: start + scanned) {
                return try take(upTo: newline, skipping: 1)
            }
            scanned = end - start
            if atEOF {
                guard start < end else { return nil }
                return try take(upTo: end, skipping: 0)  // a last line without `\n`
            }
            try fill()
        }
    }

    /// The next line as an array, or `nil` at the end.
    public func nextLine() throws(SystemError) -> [UInt8]? {
        try next().map { Array($0) }
    }

    private func take(upTo stop: Int, skipping separator: Int) throws(SystemError) -> UnsafeRawBufferPointer {
        lineNumber += 1
        // A mapping never grows a buffer, so its limit is checked per line.
        if !ownsBuffer, stop - start > maxLineBytes {
            throw .lineTooLong(path: path, line: lineNumber, limit: maxLineBytes)
        }
        let lineStart = start
        start = stop + separator
        var lineEnd = stop
        if lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd])
    }

    private func findNewline(from index: Int) -> Int? {
        guard index < end, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + index, 0x0A, end - index) else { return nil }
        return base.distance(to: found)
    }

    /// `realloc` of an owned buffer (`malloc` when `base` is nil).
    private static func resized(_ base: UnsafeMutableRawPointer?, to size: Int, path: String) throws(SystemError) -> UnsafeMutableRawBufferPointer {
        guard let grown = realloc(base, size) else { throw .call("realloc", path: path, errno: ENOMEM) }
        return UnsafeMutableRawBufferPointer(start: grown, count: size)
    }

    /// Moves the pending bytes to the front, grows the buffer if a line fills it, and reads more.
    private func fill() throws(SystemError) {
        if start > 0 {
            let pending = end - start
            if pending > 0, let base = buffer.baseAddress {
                memmove(base, base + start, pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            guard buffer.count <= maxLineBytes else {
                throw .lineTooLong(path: path, line: lineNumber + 1, limit: maxLineBytes)
            }
            buffer = try Self.resized(buffer.baseAddress, to: buffer.count * 2, path: path)
        } else if buffer.count > initialCapacity, end < initialCapacity / 2 {
            // The long line is handed out and what is left fits the first size: give the rest back.
            buffer = try Self.resized(buffer.baseAddress, to: initialCapacity, path: path)
        }
        let count = try SystemCall.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]), path: path)
        if count == 0 { atEOF = true } else { end += count }
    }
}

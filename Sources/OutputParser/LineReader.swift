#if canImport(Glibc)
import Glibc
#endif

/// Reads a file line by line with POSIX `read(2)` into one reusable buffer, so memory stays
/// bounded by the longest line, not the file (result files reach 200 MB).
struct LineReader: ~Copyable {
    private let fd: Int32
    private let path: String
    private let name: String
    private let maxLineBytes: Int
    private var buffer: UnsafeMutableRawBufferPointer
    /// Bytes `[start, end)` of `buffer` are read and not yet handed out.
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// 1-based number of the last line returned.
    private(set) var lineNumber = 0

    /// Opens `path`; `nil` when it does not exist.
    init?(path: String, name: String, maxLineBytes: Int, initialCapacity: Int = 1 << 20) throws(ParseError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .system("open", path: path, errno: errno)
        }
        self.fd = fd
        self.path = path
        self.name = name
        self.maxLineBytes = maxLineBytes
        buffer = .allocate(byteCount: max(4096, min(initialCapacity, maxLineBytes + 1)), alignment: 1)
    }

    deinit {
        buffer.deallocate()
        close(fd)
    }

    /// Calls `body` with the next non-empty line (without `\n` or `\r\n`) and its number; returns
    /// false at end of file. The bytes are valid only during the call.
    mutating func next(_ body: (UnsafeRawBufferPointer, Int) throws(ParseError) -> Void) throws(ParseError) -> Bool {
        // Bytes after `start` already searched for a newline; an offset, because `fill` moves data.
        var scanned = 0
        while true {
            if let newline = findNewline(from: start + scanned) {
                scanned = 0
                lineNumber += 1
                let lineStart = start
                start = newline + 1
                var lineEnd = newline
                if lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                if lineEnd == lineStart { continue }  // blank line: look for the next one
                try body(UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd]), lineNumber)
                return true
            }
            scanned = end - start
            if atEOF {
                guard start < end else { return false }
                // A last line without `\n`.
                lineNumber += 1
                let lineStart = start
                start = end
                try body(UnsafeRawBufferPointer(rebasing: buffer[lineStart..<end]), lineNumber)
                return true
            }
            try fill()
        }
    }

    private func findNewline(from index: Int) -> Int? {
        guard index < end, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + index, 0x0A, end - index) else { return nil }
        return base.distance(to: found)
    }

    /// Moves the pending bytes to the front, grows the buffer if a line fills it, and reads more.
    private mutating func fill() throws(ParseError) {
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
                throw .lineTooLong(file: name, line: lineNumber + 1, limit: maxLineBytes)
            }
            let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 1)
            grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = grown
        }
        while true {
            let count = read(fd, buffer.baseAddress! + end, buffer.count - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("read", path: path, errno: errno)
            }
            if count == 0 { atEOF = true } else { end += count }
            return
        }
    }
}

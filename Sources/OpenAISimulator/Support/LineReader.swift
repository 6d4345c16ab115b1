import Glibc

/// Reads a file's lines through one 1 MiB buffer (grown only for a longer line), so memory stays
/// bounded on a 200 MB file. Lines come without their `\n` (and a trailing `\r`); the last line may
/// lack a newline.
final class LineReader {
    private let fd: Int32
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEnd = false
    static let chunkSize = 1 << 20

    /// Opens a file; throws `FileIOError` when it cannot.
    init(path: String) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileIOError(call: "open", path: path, errno: errno) }
        capacity = Self.chunkSize
        storage = .allocate(capacity: capacity)
    }

    deinit {
        close(fd)
        storage.deallocate()
    }

    /// The next line, or nil at the end of the file.
    func next() throws -> [UInt8]? {
        while true {
            if start < end, let found = memchr(storage + start, 0x0A, end - start) {
                let newline = storage.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let line = line(upTo: newline)
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < end else { return nil }
                let line = line(upTo: end)
                start = end
                return line
            }
            try fill()
        }
    }

    private func line(upTo stop: Int) -> [UInt8] {
        var stop = stop
        if stop > start, storage[stop - 1] == 0x0D { stop -= 1 }
        return Array(UnsafeBufferPointer(start: storage + start, count: stop - start))
    }

    private func fill() throws {
        if start > 0 {
            memmove(storage, storage + start, end - start)
            end -= start
            start = 0
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: storage, count: end)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let n = read(fd, storage + end, capacity - end)
        if n < 0 {
            if errno == EINTR { return }
            throw FileIOError(call: "read", path: "", errno: errno)
        }
        if n == 0 { atEnd = true }
        end += n
    }
}

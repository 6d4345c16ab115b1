#if canImport(Glibc)
import Glibc
#endif

/// Reads a file with POSIX `read(2)` into reusable buffers, chunk after chunk: memory stays at the
/// buffers' size whatever the file's. With two buffers, chunks alternate between them, so a chunk handed
/// to another thread (`BackgroundHasher`) stays intact while the next is read. Blocking: use it inside
/// `BlockingWork`.
final class FileChunkReader {
    /// The path, for messages.
    let path: String
    private let fd: Int32
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var next = 0

    /// Opens `path` for reading with `bufferCount` buffers of `chunkSize` bytes.
    init(path: String, chunkSize: Int = 1 << 20, bufferCount: Int = 1) throws(WorkspaceError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open", path, errno: errno) }
        buffers = (0..<max(1, bufferCount)).map { _ in .allocate(byteCount: chunkSize, alignment: 16) }
    }

    deinit {
        close(fd)
        for buffer in buffers { buffer.deallocate() }
    }

    /// Calls `body` with each chunk until the end of the file, or until `body` returns false.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws(WorkspaceError) -> Bool) throws(WorkspaceError) {
        while true {
            let buffer = buffers[next]
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("read", path, errno: errno)
            }
            if count == 0 { return }
            next = (next + 1) % buffers.count
            guard try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) else { return }
        }
    }

    /// Calls `body` with each line (without its `\n`; a last line without one counts) and its 1-based number.
    /// Lines that span chunks are joined in a carry buffer, so only the longest line is held whole.
    func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws(WorkspaceError) -> Void) throws(WorkspaceError) {
        var carry: [UInt8] = []
        var number = 0
        try forEachChunk { chunk throws(WorkspaceError) in
            guard let base = chunk.baseAddress else { return true }
            var start = 0
            while start < chunk.count {
                guard let found = memchr(base + start, 0x0A, chunk.count - start) else {
                    carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
                    return true
                }
                let end = base.distance(to: UnsafeRawPointer(found))
                number += 1
                if carry.isEmpty {
                    try body(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), number)
                } else {
                    carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                    let line = carry
                    carry.removeAll(keepingCapacity: true)
                    try Self.call(body, with: line, number)
                }
                start = end + 1
            }
            return true
        }
        if !carry.isEmpty {
            number += 1
            try Self.call(body, with: carry, number)
        }
    }

    /// `Array.withUnsafeBytes` only rethrows `any Error`; a `Result` carries the typed error across it.
    private static func call(
        _ body: (UnsafeRawBufferPointer, Int) throws(WorkspaceError) -> Void, with bytes: [UInt8], _ number: Int
    ) throws(WorkspaceError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(WorkspaceError) in try body(raw, number) }
        }.get()
    }
}

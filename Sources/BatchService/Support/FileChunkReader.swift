#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Reads a file with POSIX `read(2)` into reusable buffers, chunk after chunk: memory stays at the
/// buffers' size whatever the file's. With two buffers, chunks alternate between them, so a chunk handed
/// to another thread (`BackgroundHasher`) stays intact while the next is read. Blocking: use it inside
/// `BlockingThread`.
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
            let count: Int
            do { count = try SystemCall.read(fd, into: buffer, path: path) } catch { throw WorkspaceError(error) }
            if count == 0 { return }
            next = (next + 1) % buffers.count
            guard try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) else { return }
        }
    }
}

import CZlib
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// File-to-file gzip: inflates a `.gz` file into a new file, streaming, in bounded memory.
///
/// The one place the service and the command line turn a `.jsonl.gz` into JSONL. **Blocking** (file I/O
/// and inflating hundreds of megabytes): call it from a dedicated thread, never from the Swift
/// concurrency pool.
public enum GzipFile {
    /// Bytes read from the source per `read(2)`.
    static let readSize = 256 * 1024

    /// Inflates the gzip file `source` (one or more members) into `destination`, which must not exist yet
    /// (it is created with mode 0600), and returns the number of bytes written.
    ///
    /// Memory stays bounded (one read buffer and zlib's 64 KiB of output at a time) however far the input
    /// inflates. Throws `GzipError.outputLimitExceeded` as soon as the output would pass `maxOutputBytes`
    /// (a decompression bomb stops there), `.corruptData` or `.truncated` for a broken stream, and
    /// `GzipError.system` for a file that cannot be opened, read or written. On any error `destination`
    /// is removed; `source` is never touched. Blocking: see the type's documentation.
    @discardableResult
    public static func inflate(from source: String, to destination: String, maxOutputBytes: Int? = nil) throws(GzipError) -> Int {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw GzipError.system("open", path: source, errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw GzipError.system("open", path: destination, errno: errno) }
        var closed = false
        do {
            let written = try inflate(input, source: source, into: output, destination: destination, maxOutputBytes: maxOutputBytes)
            closed = true
            // A failed close can be a failed delayed write (NFS, quota): the file is not whole.
            guard close(output) == 0 else { throw GzipError.system("close", path: destination, errno: errno) }
            return written
        } catch {
            if !closed { close(output) }
            unlink(destination)
            // Everything below throws GzipError only (the sink's write errors included).
            throw error as? GzipError ?? GzipError.zlib(Z_ERRNO)
        }
    }

    private static func inflate(_ input: Int32, source: String, into output: Int32, destination: String, maxOutputBytes: Int?) throws -> Int {
        let decompressor = try GzipDecompressor(maxOutputBytes: maxOutputBytes)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 16)
        defer { buffer.deallocate() }
        var written = 0
        while true {
            let count: Int
            do {
                count = try SystemCall.read(input, into: buffer, path: source)
            } catch {
                throw GzipError.system("read", path: source, errno: error.errno)
            }
            if count == 0 { break }
            try decompressor.decompress(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) { chunk in
                try writeAll(output, chunk, path: destination)
                written += chunk.count
            }
        }
        try decompressor.finish()
        return written
    }

    private static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, path: String) throws {
        do {
            try SystemCall.writeAll(fd, chunk, path: path)
        } catch {
            throw GzipError.system("write", path: path, errno: error.errno)
        }
    }
}

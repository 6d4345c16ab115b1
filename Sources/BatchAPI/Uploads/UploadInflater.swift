import BatchService
import Foundation
import Gzip

/// Inflates an uploaded `.jsonl.gz` next to itself as `.jsonl`, on a dedicated thread (hundreds of
/// megabytes must not block the concurrency pool), with an output cap against decompression bombs.
///
/// The coordinator takes plain JSONL; a gzipped upload is the transport's business, so it is undone here.
enum UploadInflater {
    /// Inflates `source` into `destination`; throws `tooLarge` past `maxBytes`, `badRequest` for a broken stream.
    /// `source` is removed either way, `destination` when it fails.
    static func inflate(_ source: String, to destination: String, maxBytes: Int, filename: String) async throws(BatchServiceError) {
        let result: Result<Void, BatchServiceError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(BatchServiceError) in
                    try inflateNow(source, to: destination, maxBytes: maxBytes, filename: filename)
                })
            }
            thread.name = "batch-openai.inflate"
            thread.start()
        }
        unlink(source)
        if case .failure = result { unlink(destination) }
        try result.get()
    }

    private static func inflateNow(_ source: String, to destination: String, maxBytes: Int, filename: String) throws(BatchServiceError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw BatchServiceError(.internalError, "open \(source): errno \(errno)") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw BatchServiceError(.internalError, "open \(destination): errno \(errno)") }
        defer { close(output) }
        let decompressor: GzipDecompressor
        do { decompressor = try GzipDecompressor(maxOutputBytes: maxBytes) } catch {
            throw BatchServiceError(.internalError, "zlib: \(error)")
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BatchServiceError(.internalError, "read \(source): errno \(errno)")
            }
            if count == 0 { break }
            let inflated: [UInt8]
            do {
                inflated = try decompressor.decompress(Array(buffer[..<count]))
            } catch let error as GzipError where error == .outputLimitExceeded {
                throw BatchServiceError(.tooLarge, "'\(filename)' inflates to more than \(maxBytes) bytes (the Batch API's limit).")
            } catch {
                throw BatchServiceError(.badRequest, "'\(filename)' is not a readable gzip file: \(error).")
            }
            try writeAll(output, inflated, path: destination)
        }
        do { try decompressor.finish() } catch {
            throw BatchServiceError(.badRequest, "'\(filename)' is not a complete gzip file: \(error).")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(BatchServiceError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BatchServiceError(.internalError, "write \(path): errno \(errno)")
            }
            offset += written
        }
    }
}

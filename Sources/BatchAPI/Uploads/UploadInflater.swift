import BatchService
import Gzip
import SystemIO

/// Inflates a `.jsonl.gz` (an upload, or a file of inputs/ named by `input_path`) into a new `.jsonl`
/// with `GzipFile.inflate` on a dedicated thread (hundreds of megabytes must not block the concurrency
/// pool), with an output cap against decompression bombs.
///
/// The coordinator takes plain JSONL; gzip is the edge's business, so it is undone here.
enum UploadInflater {
    /// Inflates `source` into `destination` (which must not exist); throws `tooLarge` past `maxBytes`,
    /// `badRequest` naming `filename` for a broken stream. `destination` is removed when it fails;
    /// `source` is left alone (the caller owns it: an upload is removed by its route, an input never).
    static func inflate(_ source: String, to destination: String, maxBytes: Int, filename: String) async throws(BatchServiceError) {
        do {
            try await BlockingThread.run("inflate") { () throws(GzipError) in
                _ = try GzipFile.inflate(from: source, to: destination, maxOutputBytes: maxBytes)
            }
        } catch {
            throw Self.problem(error, maxBytes: maxBytes, filename: filename)
        }
    }

    /// The service's kind for an inflate failure: a bomb is 413, a broken stream the client's 400, the rest ours.
    static func problem(_ error: GzipError, maxBytes: Int, filename: String) -> BatchServiceError {
        if error == .outputLimitExceeded {
            return BatchServiceError(.tooLarge, "'\(filename)' inflates to more than \(maxBytes) bytes (the Batch API's limit); split it into several batches.")
        }
        if error == .truncated {
            return BatchServiceError(.badRequest, "'\(filename)' is not a complete gzip file: \(error).")
        }
        if error.isMalformedInput {
            return BatchServiceError(.badRequest, "'\(filename)' is not a readable gzip file: \(error).")
        }
        return BatchServiceError(.internalError, "inflating '\(filename)': \(error)")
    }
}

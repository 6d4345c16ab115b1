import Gzip

/// Turns a `.jsonl.gz` (an upload, or a file of inputs/ named by `input_path`) into plain JSONL with
/// `GzipFile.inflate`, capped at the Batch API's size against decompression bombs.
///
/// The coordinator validates plain JSONL only; every gzip input passes here first, so the statuses of a
/// broken or oversized stream are decided in one place. Blocking: call it inside `BlockingThread`.
enum InputInflater {
    /// Inflates `source` into `destination` (which must not exist); throws `tooLarge` past `maxBytes`,
    /// `badRequest` naming `filename` for a broken stream. `destination` is gone when it fails (GzipFile
    /// removes it); `source` is left alone.
    static func inflate(_ source: String, to destination: String, maxBytes: Int64, filename: String,
                        limit: String = "the Batch API's limit; split it into several batches") throws(BatchServiceError) {
        do {
            _ = try GzipFile.inflate(from: source, to: destination, maxOutputBytes: Int(maxBytes))
        } catch {
            throw problem(error, maxBytes: maxBytes, filename: filename, limit: limit)
        }
    }

    /// Whether a name is a gzip request file (`.jsonl.gz`, any case).
    static func isGzipped(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".jsonl.gz")
    }

    /// The name without its `.gz`: what the backend gets is JSONL.
    static func inflatedName(_ name: String) -> String {
        isGzipped(name) ? String(name.dropLast(".gz".count)) : name
    }

    /// The service's kind for an inflate failure: a bomb is 413, a broken stream the client's 400, the rest ours.
    /// `limit` names what sets `maxBytes`: the Batch API's limit for one file, or a job's (`BATCH_OPENAI_MAX_JOB_BYTES`).
    static func problem(_ error: GzipError, maxBytes: Int64, filename: String,
                        limit: String = "the Batch API's limit; split it into several batches") -> BatchServiceError {
        if error == .outputLimitExceeded {
            return BatchServiceError(.tooLarge, "'\(filename)' inflates to more than \(maxBytes) bytes (\(limit)).")
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

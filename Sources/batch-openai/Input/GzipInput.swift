import BatchCore
import Foundation
import Gzip
import SystemIO

/// A `.gz` request file given to the command line (`run`, `create --input`, `validate`): inflated into a
/// temporary JSONL with Gzip's `GzipFile.inflate`, on a dedicated thread (a 200 MB inflate must not
/// hold a thread of the concurrency pool), capped at the Batch API's size so a decompression bomb stops
/// there. The `.gz` itself is only read.
enum GzipInput {
    /// Whether `path` names a gzip file (by its name, as the REST API decides: `x.jsonl.gz`, `X.JSONL.GZ`).
    static func isGzipped(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".gz")
    }

    /// The name the inflated file goes by: the base name without `.gz` (`inputs/big.jsonl.gz` → `big.jsonl`).
    static func inflatedName(_ path: String) -> String {
        let base = URL(fileURLWithPath: path).lastPathComponent
        let name = isGzipped(base) ? String(base.dropLast(".gz".count)) : base
        return name.isEmpty ? "input.jsonl" : name
    }

    /// Inflates `path` into a new file of `directory` named `<prefix><uuid>-<inflated name>` (mode 0600)
    /// and returns its path; the caller removes it. Nothing is left behind when it fails: a file that is
    /// missing, not gzip, truncated or that inflates past `maxBytes` is a `CommandFailure` naming `path`.
    static func inflateToTemporary(_ path: String, in directory: String, prefix: String,
                                   maxBytes: Int = Int(BatchLimits.openAI.maxBytes)) async throws -> String {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? EACCES : ENOENT
            throw CommandFailure("\(path): \(String(cString: strerror(reason))) (expected a .jsonl.gz file of requests)")
        }
        let destination = (directory.hasSuffix("/") ? directory : directory + "/") + "\(prefix)\(UUID().uuidString)-\(inflatedName(path))"
        do {
            try await BlockingThread.run("inflate") { () throws(GzipError) in
                _ = try GzipFile.inflate(from: path, to: destination, maxOutputBytes: maxBytes)
            }
            return destination
        } catch where error == .outputLimitExceeded {
            throw CommandFailure("\(path) inflates to more than \(maxBytes) bytes, the most one input may hold (the Batch API's 200 MB for one batch, BATCH_OPENAI_MAX_JOB_BYTES for a run); nothing was uploaded")
        } catch where error.isMalformedInput {
            throw CommandFailure("\(path) is not a readable gzip file (\(error)); nothing was uploaded")
        } catch {
            throw CommandFailure("cannot inflate \(path): \(error)")
        }
    }
}

import BatchCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Gzip
import SystemIO

/// Plans a job: reads a `SubmissionInput` (the same cases `submit` takes) once, validating every line
/// across the whole input, hashing it (SHA-256, on a thread of its own for files) and cutting it into parts
/// (`InputSplitter`), and returns the `JobPlan` (docs/ARCHITECTURE.md § Jobs).
///
/// With a folder, each part's file is written under `<folder>/parts/`; without one (a dry run) nothing is
/// written anywhere and the plan is the same. The input itself is only read: an upload stays where its
/// owner (the upload spool, the command line) put it. On a refusal the caller removes the folder: nothing
/// of a refused input is kept. Blocking (file I/O): call inside `BlockingThread`.
struct JobPlanner {
    /// The folders (for `.path` inputs).
    var workspace: Workspace
    /// The limits the input is cut under (checked first: out of range is a 400).
    var limits: JobLimits
    /// Counts each request's tokens.
    var counter: any RequestTokenCounting
    /// The endpoint of the job, when the submission names one.
    var expectedEndpoint: String?
    /// How many bad lines a refusal lists.
    var maxIssues = 1000

    /// Plans `input` for a job named `jobName`, writing parts under `folder` when given.
    func plan(_ input: SubmissionInput, jobName: String?, folder: String?) throws(BatchServiceError) -> JobPlan {
        let limits = try limits.checked()
        if let folder, mkdir(folder + "/parts", 0o755) != 0 {
            throw BatchServiceError(WorkspaceError.system("mkdir", folder + "/parts", errno: errno))
        }
        let splitter = InputSplitter(limits: limits, counter: counter, expectedEndpoint: expectedEndpoint, folder: folder, maxIssues: maxIssues)
        let sha256 = try feed(input, to: splitter, limits: limits)
        let (report, parts) = try splitter.finish()
        guard let endpoint = report.endpoint ?? expectedEndpoint else {
            throw BatchServiceError(.invalidInput, "The input names no endpoint (url).")
        }
        return JobPlan(
            jobID: JobID.make(inputSHA256: sha256, jobName: jobName), jobName: jobName, inputSHA256: sha256, endpoint: endpoint,
            requestCount: report.requestCount, byteCount: report.byteCount, limits: limits, parts: parts
        )
    }

    // MARK: - Sources

    /// Feeds the input's bytes to `splitter`; returns their SHA-256.
    private func feed(_ input: SubmissionInput, to splitter: InputSplitter, limits: JobLimits) throws(BatchServiceError) -> String {
        switch input {
        case .path(let path):
            let source: String
            do {
                source = try workspace.inputFile(path)
            } catch {
                throw BatchServiceError(error)
            }
            if InputInflater.isGzipped(source) { return try inflate(source, filename: path, to: splitter, limits: limits) }
            return try read(source, filename: path, to: splitter)
        case .upload(let upload):
            return try read(upload.path, filename: upload.filename, to: splitter)
        case .uploadedFile(let path, let filename):
            return try read(path, filename: filename, to: splitter)
        case .lines(let lines):
            var bytes: [UInt8] = []
            for line in lines {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            return try consume(bytes, to: splitter)
        case .spec(let text, let model):
            guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw BatchServiceError(.badRequest, "An inline spec needs a model (e.g. gpt-4o-mini).")
            }
            let spec: InlineRequestSpec
            do {
                spec = try InlineRequestSpec(parsing: text)
            } catch {
                throw BatchServiceError(.badRequest, "The request spec is invalid: \(error.description).")
            }
            var bytes: [UInt8] = []
            for line in spec.requestLines(model: model) {
                bytes.append(contentsOf: line.utf8)
                bytes.append(0x0A)
            }
            return try consume(bytes, to: splitter)
        }
    }

    /// Inline requests: small (a JSON body's size), hashed in place.
    private func consume(_ bytes: [UInt8], to splitter: InputSplitter) throws(BatchServiceError) -> String {
        var hash = SHA256()
        hash.update(bytes)
        var refusal: BatchServiceError?
        bytes.withUnsafeBytes { chunk in
            do throws(BatchServiceError) {
                try splitter.consume(chunk)
            } catch {
                refusal = error
            }
        }
        if let refusal { throw refusal }
        return hash.finalizeHex()
    }

    /// A plain JSONL file: read in chunks that alternate between two buffers, each hashed on the hashing
    /// thread while the splitter works on it (the hash is the slower of the two).
    private func read(_ path: String, filename: String, to splitter: InputSplitter) throws(BatchServiceError) -> String {
        let reader: FileChunkReader
        do {
            reader = try FileChunkReader(path: path, chunkSize: 1 << 20, bufferCount: 2)
        } catch {
            throw error.kind == .system && access(path, F_OK) != 0
                ? BatchServiceError(.notFound, "'\(filename)' does not exist.") : BatchServiceError(error)
        }
        var first = true
        var refusal: BatchServiceError?
        var failure: WorkspaceError?
        let hasher = BackgroundHasher()
        // The reader's buffers must outlive the hasher's last chunk: `finish()` is inside its lifetime.
        let sha256 = withExtendedLifetime(reader) { () -> String in
            do throws(WorkspaceError) {
                try reader.forEachChunk { chunk throws(WorkspaceError) in
                    if first {
                        first = false
                        if chunk.count >= 2, chunk[0] == 0x1F, chunk[1] == 0x8B {
                            refusal = BatchServiceError(.badRequest, "'\(filename)' is gzip-compressed; submit the decompressed .jsonl.")
                            return false
                        }
                    }
                    hasher.hash(chunk)
                    do throws(BatchServiceError) {
                        try splitter.consume(chunk)
                    } catch {
                        refusal = error
                        return false
                    }
                    return true
                }
            } catch {
                failure = error
            }
            return hasher.finish()
        }
        if let failure { throw BatchServiceError(failure) }
        if let refusal { throw refusal }
        return sha256
    }

    /// A `.jsonl.gz` under inputs/: inflated as it is read (never to a file), capped at the job's size.
    private func inflate(_ path: String, filename: String, to splitter: InputSplitter, limits: JobLimits) throws(BatchServiceError) -> String {
        var hash = SHA256()
        var refusal: BatchServiceError?
        do {
            let decompressor = try GzipDecompressor(maxOutputBytes: Int(clamping: limits.maxJobBytes))
            try FileChunkReader(path: path).forEachChunk { compressed throws(WorkspaceError) in
                do {
                    try decompressor.decompress(compressed) { plain in
                        hash.update(plain)
                        do throws(BatchServiceError) {
                            try splitter.consume(plain)
                        } catch {
                            refusal = error
                            throw error
                        }
                    }
                } catch let error as GzipError {
                    refusal = InputInflater.problem(error, maxBytes: limits.maxJobBytes, filename: filename, limit: "BATCH_OPENAI_MAX_JOB_BYTES, the largest input of a job")
                    return false
                } catch {
                    return false  // the splitter's refusal, kept above
                }
                return true
            }
            if refusal == nil {
                do {
                    try decompressor.finish()
                } catch let error as GzipError {
                    refusal = InputInflater.problem(error, maxBytes: limits.maxJobBytes, filename: filename, limit: "BATCH_OPENAI_MAX_JOB_BYTES, the largest input of a job")
                }
            }
        } catch let error as WorkspaceError {
            throw BatchServiceError(error)
        } catch {
            throw BatchServiceError(.internalError, "inflating '\(filename)': \(error)")
        }
        if let refusal { throw refusal }
        return hash.finalizeHex()
    }
}

import BatchCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// Turns a `SubmissionInput` into a validated `input.jsonl` in a staging folder, in one streaming pass
/// that validates (BatchCore's `InputValidator`), hashes (SHA-256) and, for a file named by path, copies.
///
/// Memory stays bounded on a 200 MB file: chunks are read with POSIX `read` into one reusable buffer and
/// fed to the validator and the hash; the validator keeps one line and the set of `custom_id`s. A file
/// over the byte limit is refused as soon as the limit is passed, without reading the rest.
/// Blocking (file I/O): call inside `BlockingThread`.
struct InputPreparer {
    /// The folders (for `.path` inputs).
    var workspace: Workspace
    /// The rules in force.
    var limits: BatchLimits
    /// The batch's endpoint, when the submission names one.
    var expectedEndpoint: String?
    /// How many issues an invalid file reports.
    var maxIssues = 1000

    /// Stages `input` as `destination`, validated; throws `invalidInput` (every bad line), `tooLarge`,
    /// `badRequest` or `notFound`. Nothing is left at `destination` on failure.
    func prepare(_ input: SubmissionInput, to destination: String) throws(BatchServiceError) -> PreparedInput {
        do {
            return try stage(input, to: destination)
        } catch {
            unlink(destination)
            throw error
        }
    }

    private func stage(_ input: SubmissionInput, to destination: String) throws(BatchServiceError) -> PreparedInput {
        switch input {
        case .path(let path):
            let source: String
            do {
                source = try workspace.inputFile(path)
            } catch {
                throw BatchServiceError(error)
            }
            let name = source.split(separator: "/").last.map(String.init) ?? "input.jsonl"
            guard InputInflater.isGzipped(source) else { return try scan(source, copyingTo: destination, filename: name) }
            // The coordinator validates plain JSONL: inflate straight into place; the file under inputs/ is only read.
            try InputInflater.inflate(source, to: destination, maxBytes: limits.maxBytes, filename: path)
            return try scan(destination, copyingTo: nil, filename: InputInflater.inflatedName(name))
        case .upload(let upload):
            try move(upload.path, to: destination)
            return try scan(destination, copyingTo: nil, filename: upload.filename)
        case .uploadedFile(let path, let filename):
            try move(path, to: destination)
            return try scan(destination, copyingTo: nil, filename: Self.uploadName(filename))
        case .lines(let lines):
            try write(lines, to: destination)
            return try scan(destination, copyingTo: nil, filename: "requests.jsonl")
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
            try write(spec.requestLines(model: model), to: destination)
            return try scan(destination, copyingTo: nil, filename: "requests.jsonl")
        }
    }

    // MARK: - The pass

    /// Reads `source` once: validates, hashes, and copies to `copy` when given.
    private func scan(_ source: String, copyingTo copy: String?, filename: String) throws(BatchServiceError) -> PreparedInput {
        var validator = InputValidator(expectedEndpoint: expectedEndpoint, limits: limits, maxIssues: maxIssues)
        var total: Int64 = 0
        var first = true
        var output: Int32 = -1
        if let copy {
            output = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard output >= 0 else { throw BatchServiceError(.system("open", copy, errno: errno)) }
        }
        defer { if output >= 0 { close(output) } }
        let reader: FileChunkReader
        do {
            reader = try FileChunkReader(path: source, bufferCount: 2)
        } catch {
            throw BatchServiceError(error)
        }
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
                    total += Int64(chunk.count)
                    if total > limits.maxBytes {
                        refusal = BatchServiceError(.tooLarge, "The input is larger than \(limits.maxBytes) bytes (the Batch API's limit); split it into several batches.")
                        return false
                    }
                    hasher.hash(chunk)
                    validator.consume(chunk)
                    if output >= 0 { try Self.writeAll(output, chunk, path: copy ?? "") }
                    return true
                }
            } catch {
                failure = error
            }
            return hasher.finish()
        }
        if let failure { throw BatchServiceError(failure) }
        if let refusal { throw refusal }
        let report = validator.finish()
        if report.issues.contains(where: { $0.code == "too_many_tasks" }) {
            throw BatchServiceError(.tooLarge, "The input has more than \(limits.maxRequests) requests (the Batch API's limit); split it into several batches.")
        }
        guard report.isValid else {
            let shown = report.issues.prefix(3).map(\.description).joined(separator: "; ")
            let more = report.issueCount > 3 ? " (and \(report.issueCount - 3) more)" : ""
            throw BatchServiceError(
                .invalidInput, "The input is not a valid batch file: \(shown)\(more).",
                issues: report.issues, issueCount: report.issueCount
            )
        }
        guard let endpoint = report.endpoint ?? expectedEndpoint else {
            throw BatchServiceError(.invalidInput, "The input names no endpoint (url).")
        }
        return PreparedInput(
            sha256: sha256, requestCount: report.requestCount, byteCount: report.byteCount,
            endpoint: endpoint, model: report.model, filename: filename
        )
    }

    // MARK: - Staging

    /// Moves an upload into place; across file systems it is copied, then removed.
    private func move(_ source: String, to destination: String) throws(BatchServiceError) {
        if rename(source, destination) == 0 { return }
        let failure = errno
        guard failure == EXDEV else {
            if failure == ENOENT { throw BatchServiceError(.notFound, "The uploaded file is gone.") }
            throw BatchServiceError(.system("rename", destination, errno: failure))
        }
        do throws(WorkspaceError) {
            let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard output >= 0 else { throw WorkspaceError.system("open", destination, errno: errno) }
            defer { close(output) }
            try FileChunkReader(path: source).forEachChunk { chunk throws(WorkspaceError) in
                try Self.writeAll(output, chunk, path: destination)
                return true
            }
        } catch {
            throw BatchServiceError(error)
        }
        unlink(source)
    }

    /// Writes inline request lines as JSONL, one per line.
    private func write(_ lines: [String], to destination: String) throws(BatchServiceError) {
        var bytes: [UInt8] = []
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(0x0A)
        }
        do {
            // A bulk artifact: no fsync (docs/ARCHITECTURE.md § Storage layout).
            try DurableFile.write(bytes, to: destination, durability: .deferred)
        } catch {
            throw BatchServiceError(WorkspaceError(error))
        }
    }

    /// The client's name for an upload, reduced to a safe base name (it only labels the file upstream).
    static func uploadName(_ filename: String) -> String {
        let base = filename.split(separator: "/").last.map(String.init) ?? ""
        let cleaned = String(base.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }.prefix(200))
        return cleaned.isEmpty || cleaned.hasPrefix(".") ? "input.jsonl" : cleaned
    }

    /// SystemIO's write-all, failing as a workspace error.
    static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer, path: String) throws(WorkspaceError) {
        do throws(SystemError) {
            try SystemCall.writeAll(fd, chunk, path: path)
        } catch {
            throw WorkspaceError(error)
        }
    }
}

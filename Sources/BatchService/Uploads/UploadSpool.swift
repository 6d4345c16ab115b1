import Foundation
import SystemIO
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of uploaded request files: it spools the bytes a client sends into `outputs/.uploads`,
/// inflates a `.jsonl.gz`, hands the file to a submission (which moves it into the batch's folder and
/// validates it) and removes whatever is left, on success, failure or cancellation alike.
///
/// The REST layer gives it the file part's bytes as an async sequence of chunks and never names a file:
/// the spool folder, its names and its clean-up are this type's alone.
///
/// ```swift
/// try await coordinator.uploads.withUpload(fileChunks, filename: "requests.jsonl.gz", maxBytes: limit) { upload in
///     try await coordinator.run(RunRequest(submission: SubmitRequest(input: .upload(upload))))
/// }
/// ```
///
/// The folder sits inside outputs/ so that a spooled file is renamed, not copied, into `outputs/<batch_id>/`;
/// it is hidden, so no batch id or artifact path reaches it.
public struct UploadSpool: Sendable {
    /// The folder's name in outputs/.
    static let folderName = ".uploads"
    /// The prefix of spooled files (and, from older versions, `inflate-` for inflated inputs).
    static let prefixes = ["upload-", "inflate-"]

    /// The spool folder, absolute.
    public let directory: String
    /// The most an upload may inflate to: the Batch API's size of one file by default; a run's upload
    /// (`inflating(upTo:)`) may inflate to a whole job's (`BATCH_OPENAI_MAX_JOB_BYTES`), as a `.jsonl.gz`
    /// named by `input_path` may.
    let maxInflatedBytes: Int64
    /// What sets `maxInflatedBytes`, for the 413's message.
    let inflatedLimitName: String

    /// A spool in `directory` (in the outputs folder's file system, so that spooled files are renamed into
    /// batch folders, not copied); an upload may inflate to at most `maxInflatedBytes`.
    public init(directory: String, maxInflatedBytes: Int64) {
        self.init(directory: directory, maxInflatedBytes: maxInflatedBytes, limitName: "the Batch API's limit; split it into several batches")
    }

    private init(directory: String, maxInflatedBytes: Int64, limitName: String) {
        self.directory = directory
        self.maxInflatedBytes = maxInflatedBytes
        inflatedLimitName = limitName
    }

    /// The same spool for the upload of a run, which the planner may split into a job of several batches:
    /// a `.jsonl.gz` may inflate up to `maxJobBytes` (413 past it, nothing left in the spool).
    public func inflating(upToJobBytes maxJobBytes: Int64) -> UploadSpool {
        UploadSpool(directory: directory, maxInflatedBytes: maxJobBytes, limitName: "BATCH_OPENAI_MAX_JOB_BYTES, the largest input of a job")
    }

    /// Creates the spool folder when missing and removes what a killed process left in it: a spooled file
    /// outlives its request only when the process died mid-request, and then nothing refers to it.
    public func prepareFolder() throws(WorkspaceError) {
        if mkdir(directory, 0o755) != 0, errno != EEXIST { throw .system("mkdir", directory, errno: errno) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where Self.prefixes.contains(where: name.hasPrefix) {
            unlink(directory + "/" + name)
        }
    }

    /// Spools `chunks` (the bytes of one uploaded file, as they arrive), inflates them when `filename` ends
    /// in `.jsonl.gz`, runs `body` with the result and removes the spooled files when `body` is done,
    /// whatever it did (a submission of `.upload(_:)` has moved the file away by then).
    ///
    /// Throws `tooLarge` past `maxBytes` received (or past `maxInflatedBytes` once inflated), `badRequest`
    /// for a broken gzip stream, and the sequence's own errors unchanged (a client that went away, a
    /// malformed body): in every case nothing stays in the spool folder.
    public func withUpload<Chunks: AsyncSequence, Value>(
        _ chunks: Chunks, filename: String, maxBytes: Int,
        _ body: (UploadedInput) async throws -> Value
    ) async throws -> Value where Chunks.Element: Sequence<UInt8> {
        let upload = try await receive(chunks, filename: filename, maxBytes: maxBytes)
        defer { unlink(upload.path) }
        return try await body(upload)
    }

    // MARK: - Receiving

    /// Spools and inflates; on any failure removes what it wrote.
    private func receive<Chunks: AsyncSequence>(_ chunks: Chunks, filename: String, maxBytes: Int) async throws -> UploadedInput
    where Chunks.Element: Sequence<UInt8> {
        var generator = SystemRandomNumberGenerator()
        let base = directory + "/upload-" + String(generator.next() as UInt64, radix: 36)
        let gzipped = InputInflater.isGzipped(filename)
        let spooled = gzipped ? base + ".jsonl.gz" : base + ".jsonl"
        let received = try await spool(chunks, to: spooled, maxBytes: maxBytes)
        let name = InputPreparer.uploadName(InputInflater.inflatedName(filename))
        guard gzipped else { return UploadedInput(path: spooled, filename: name, receivedBytes: received) }
        let inflated = base + ".jsonl"
        let maxInflated = maxInflatedBytes, limitName = inflatedLimitName
        do {
            try await BlockingThread.run("inflate") { () throws(BatchServiceError) in
                defer { unlink(spooled) }
                try InputInflater.inflate(spooled, to: inflated, maxBytes: maxInflated, filename: filename, limit: limitName)
            }
        } catch {
            unlink(inflated)
            throw error
        }
        return UploadedInput(path: inflated, filename: name, receivedBytes: received)
    }

    /// Writes the chunks to a new file, counting against `maxBytes`; removes the file when anything fails.
    ///
    /// The writes are plain `write(2)` calls on the calling task, one per chunk as it arrives from the
    /// socket: a chunk is small and a thread hop per chunk would cost more than the write (the server's own
    /// multipart spooling does the same).
    private func spool<Chunks: AsyncSequence>(_ chunks: Chunks, to path: String, maxBytes: Int) async throws -> Int64
    where Chunks.Element: Sequence<UInt8> {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BatchServiceError(.system("open", path, errno: errno)) }
        var total: Int64 = 0
        var isOpen = true
        do {
            for try await chunk in chunks {
                try Task.checkCancellation()
                total += Int64(try Self.write(chunk, to: fd, path: path))
                guard total <= Int64(maxBytes) else {
                    throw BatchServiceError(.tooLarge, "The uploaded file has more than \(maxBytes) bytes; at most \(maxBytes) are accepted.")
                }
            }
            isOpen = false
            // A failed close can be a failed delayed write: the file is not whole.
            guard close(fd) == 0 else { throw BatchServiceError(.system("close", path, errno: errno)) }
        } catch {
            if isOpen { close(fd) }
            unlink(path)
            throw error
        }
        return total
    }

    /// Writes one chunk whole; returns its size.
    private static func write(_ chunk: some Sequence<UInt8>, to fd: Int32, path: String) throws(BatchServiceError) -> Int {
        func put(_ raw: UnsafeRawBufferPointer) -> Result<Int, WorkspaceError> {
            Result { () throws(WorkspaceError) in
                try InputPreparer.writeAll(fd, raw, path: path)
                return raw.count
            }
        }
        let result = chunk.withContiguousStorageIfAvailable { put(UnsafeRawBufferPointer($0)) } ?? Array(chunk).withUnsafeBytes(put)
        do {
            return try result.get()
        } catch {
            throw BatchServiceError(error)
        }
    }
}

import BatchCore
#if canImport(Glibc)
import Glibc
#endif
import SystemIO

/// One part of a job being cut: its request file (`parts/NNNN.jsonl`), the SHA-256 of what went in, and
/// its counts. Without a folder (a dry run) nothing is written and nothing hashed: the counts are the same,
/// `sha256` is empty. SHA-256 is most of the pass's CPU (`scripts/bench/split.sh`), and a dry run shows no
/// part hashes.
///
/// Lines are not copied: consecutive lines of the part that sit side by side in the caller's read buffer
/// are gathered as one span and written (and hashed) in one call when the span breaks or the caller
/// flushes, so a part of one model costs about one `write(2)` per chunk read. Blocking (file I/O).
final class PartWriter {
    /// Position in the plan.
    let index: Int
    /// The model of its lines.
    let model: String?
    /// The 1-based input line of its first request.
    let firstLine: Int
    /// The file, relative to the job's folder.
    let file: String
    private let path: String?
    private var descriptor: Int32 = -1
    private var hash: SHA256?
    /// Bytes of the caller's buffer waiting to be written: consecutive lines of this part.
    private var span: UnsafeRawBufferPointer?

    private(set) var requestCount = 0
    private(set) var byteCount: Int64 = 0
    private(set) var inputTokens = 0
    private(set) var exactTokens = true
    private(set) var outputCeiling: Int? = 0
    /// The number of the last line given, to find the part idle longest.
    private(set) var lastLine = 0

    /// Opens part `index` in `folder` (its `parts/` exists), or only counts when `folder` is nil.
    init(index: Int, model: String?, firstLine: Int, folder: String?) throws(WorkspaceError) {
        self.index = index
        self.model = model
        self.firstLine = firstLine
        let file = Self.fileName(index)
        self.file = file
        path = folder.map { $0 + "/" + file }
        if let path {
            hash = SHA256()
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .system("open", path, errno: errno) }
        }
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// `parts/0000.jsonl`: four digits at least, so the files list in plan order.
    static func fileName(_ index: Int) -> String {
        let digits = String(index)
        return "parts/" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".jsonl"
    }

    /// Whether one more line of `bytes` and `tokens` still fits the limits.
    func fits(bytes: Int, tokens: Int, limits: JobLimits, tokenLimit: Int?) -> Bool {
        guard requestCount < limits.maxBatchLines, byteCount + Int64(bytes) <= limits.maxBatchBytes else { return false }
        guard let tokenLimit else { return true }
        return inputTokens + tokens <= tokenLimit
    }

    /// Counts a line without its bytes (they follow through `add` or `write`).
    func count(line: Int, bytes: Int, tokens: RequestTokens) {
        requestCount += 1
        byteCount += Int64(bytes)
        inputTokens += tokens.input
        exactTokens = exactTokens && tokens.exact
        if let ceiling = outputCeiling, let own = tokens.outputCeiling {
            outputCeiling = ceiling + own
        } else {
            outputCeiling = nil
        }
        lastLine = line
    }

    /// Takes bytes of the caller's buffer (a line and its newline) that stay valid until `flush()`.
    func add(_ bytes: UnsafeRawBufferPointer) throws(WorkspaceError) {
        if let pending = span, let end = pending.baseAddress.map({ $0 + pending.count }), end == bytes.baseAddress {
            span = UnsafeRawBufferPointer(start: pending.baseAddress, count: pending.count + bytes.count)
            return
        }
        try flush()
        span = bytes
    }

    /// Writes bytes at once (a line gathered across reads, or the newline the input's last line lacked).
    func write(_ bytes: UnsafeRawBufferPointer) throws(WorkspaceError) {
        try flush()
        try emit(bytes)
    }

    /// Writes the gathered span: the caller's buffer is about to be reused.
    func flush() throws(WorkspaceError) {
        guard let pending = span else { return }
        span = nil
        try emit(pending)
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws(WorkspaceError) {
        guard descriptor >= 0, let path else { return }
        hash?.update(bytes)
        do throws(SystemError) {
            try SystemCall.writeAll(descriptor, bytes, path: path)
        } catch {
            throw WorkspaceError(error)
        }
    }

    /// Writes what is left, closes the file and describes the part.
    func close() throws(WorkspaceError) -> JobPart {
        try flush()
        if descriptor >= 0 {
            let fd = descriptor
            descriptor = -1
            guard Glibc.close(fd) == 0 else { throw .system("close", path ?? file, errno: errno) }
        }
        return JobPart(
            index: index, model: model, requestCount: requestCount, byteCount: byteCount, sha256: hash?.finalizeHex() ?? "",
            inputTokens: inputTokens, exactTokens: exactTokens, outputTokenCeiling: outputCeiling, firstLine: firstLine, file: file
        )
    }
}

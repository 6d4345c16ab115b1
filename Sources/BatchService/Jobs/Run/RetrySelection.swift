import BatchCore
import JSON
import OutputParser
import SystemIO

/// Which lines of a finished batch go into the next attempt, and the request file that holds them
/// (docs/ARCHITECTURE.md § Jobs): lines that failed with a retryable error — HTTP 429, 408 and 5xx, the API's
/// `batch_expired`, rate-limit, server and timeout codes — and lines missing from both result files. Other
/// failures (a 400, a refused prompt) are reported, not retried, unless a retry by hand asks for `all`.
/// Blocking (file I/O): call inside `BlockingThread`.
enum RetrySelection {
    /// Error codes that say the request may succeed later.
    static let retryableCodes: Set<String> = [
        "batch_expired", "rate_limit_exceeded", "server_error", "timeout", "internal_error", "service_unavailable",
    ]

    /// Whether a failed line is worth another attempt.
    static func isRetryable(status: Int?, code: String?) -> Bool {
        if let status, status == 429 || status == 408 || status >= 500 { return true }
        if let code, retryableCodes.contains(code) { return true }
        return false
    }

    /// The ids to submit again: the retryable lines of `errors.jsonl` (every failed line with `all`) and the
    /// missing ones of the batch's index items.
    static func ids(errorsFile: String, items: [ParseIndex.Item], all: Bool) throws(WorkspaceError) -> Set<String> {
        var ids: Set<String> = []
        for item in items {
            guard let id = item.customID else { continue }
            if item.status == .missing || (all && item.status == .error) { ids.insert(id) }
        }
        guard !all, Workspace.isRegularFile(errorsFile) else { return ids }
        let reader: LineReader
        do { reader = try LineReader(path: errorsFile) } catch { throw WorkspaceError(error) }
        let keys: Set<String> = ["custom_id", "response", "status_code", "error", "code", "type", "body"]
        while true {
            let next: UnsafeRawBufferPointer?
            do { next = try reader.next() } catch { throw WorkspaceError(error) }
            guard let line = next else { break }
            guard let value = try? JSONValue(parsing: line, keeping: keys), let id = value["custom_id"]?.stringValue else { continue }
            let response = value["response"]
            let status = response?["status_code"]?.intValue
            let bodyError = response?["body"]?["error"]
            let code = value["error"]?["code"]?.stringValue ?? bodyError?["code"]?.stringValue ?? bodyError?["type"]?.stringValue
            if isRetryable(status: status, code: code) { ids.insert(id) }
        }
        return ids
    }

    /// Copies the lines of `input` whose `custom_id` is in `ids` to `destination` (atomic, fsynced: the job
    /// records the new attempt only once its file is there). Returns how many.
    static func extract(_ ids: Set<String>, from input: String, to destination: String) throws(WorkspaceError) -> Int {
        do throws(SystemError) {
            let reader = try LineReader(path: input)
            let file = try DurableFile(path: destination)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            var count = 0
            while let line = try reader.next() {
                guard let id = CustomIDReader.customID(in: line), ids.contains(id) else { continue }
                buffer.append(contentsOf: line)
                buffer.append(0x0A)
                count += 1
                if buffer.count >= 1 << 20 {
                    try file.append(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try file.append(buffer)
            try file.commit(.synced)
            return count
        } catch {
            throw WorkspaceError(error)
        }
    }
}

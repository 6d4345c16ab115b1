import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 (and HTTPS) client over libcurl: requests with bodies in memory or streamed from
/// files, responses in memory or streamed to a file, timeouts, connection reuse and cancellation.
///
/// All transfers of one transport run on one libcurl multi handle, driven by a dedicated thread
/// (never the Swift concurrency pool) that is started on first use, so a transport that is never
/// used does not even load libcurl. Cancelling the calling task aborts its transfer.
public final class CurlTransport: Sendable {
    /// Timeouts of requests that name none.
    public let timeouts: HTTPTimeouts
    private let logger: Logger
    private let engine = Mutex<CurlMulti?>(nil)

    /// Creates a transport; nothing is loaded or started until the first request.
    public init(timeouts: HTTPTimeouts = HTTPTimeouts(), logger: Logger) {
        self.timeouts = timeouts
        self.logger = logger
    }

    deinit {
        engine.withLock { $0?.stop() }
    }

    /// Loads libcurl and starts the transfer thread now rather than on the first request, so a
    /// missing libcurl is reported early and the first transfer does not pay for the load.
    public func prepare() throws {
        _ = try runningEngine()
    }

    /// Sends a request and returns the response with its body in memory (any status).
    /// Throws `HTTPClientError` when no response arrives.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await perform(request, sinkFD: -1)
    }

    /// Sends a request and streams a 2xx body to `path`: it is written to a temporary file in the
    /// same folder, its length checked against `Content-Length`, then renamed to `path`. A non-2xx
    /// response is returned with its (small) body in memory and nothing written. On any failure the
    /// temporary file is removed and nothing is created at `path` (a file already there is left as
    /// it was). `synchronize` fsyncs the file before the rename.
    public func download(_ request: HTTPRequest, to path: String, synchronize: Bool = false) async throws -> HTTPResponse {
        let temporary = Self.temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CurlTransfer.fileError("cannot create \(temporary)", errno) }
        var open = true
        var renamed = false
        defer {
            if open { close(fd) }
            if !renamed { unlink(temporary) }
        }
        let response = try await perform(request, sinkFD: fd)
        guard response.isSuccess else { return response }
        if synchronize, fsync(fd) != 0 { throw CurlTransfer.fileError("cannot sync \(temporary)", errno) }
        open = false
        guard close(fd) == 0 else { throw CurlTransfer.fileError("cannot close \(temporary)", errno) }
        guard rename(temporary, path) == 0 else { throw CurlTransfer.fileError("cannot rename to \(path)", errno) }
        renamed = true
        return response
    }

    private func perform(_ request: HTTPRequest, sinkFD: Int32) async throws -> HTTPResponse {
        if Task.isCancelled { throw HTTPClientError.cancelled }
        let engine = try runningEngine()
        let transfer = try CurlTransfer(request, defaults: timeouts, sinkFD: sinkFD)
        let started = ContinuousClock.now
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.continuation = continuation
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
        let elapsed = ContinuousClock.now - started
        switch outcome {
        case .success(let response):
            logger.trace("\(request.method) \(request.url) -> \(response.status) in \(elapsed)")
        case .failure(let error):
            logger.debug("\(request.method) \(request.url) failed after \(elapsed): \(error)")
        }
        return try outcome.get()
    }

    private func runningEngine() throws -> CurlMulti {
        try engine.withLock { engine in
            if let engine { return engine }
            let made = try CurlMulti()
            engine = made
            return made
        }
    }

    /// A hidden sibling of `path` with a random suffix.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        return "\(directory).\(name).part-\(suffix)"
    }
}

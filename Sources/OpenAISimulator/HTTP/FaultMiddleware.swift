import Glibc
import HTTPServer

/// Injects the faults the `FaultInjector` hands out: an error status before the handler runs, a slow
/// answer, or a response cut off halfway (after the handler ran, so the client cannot know whether
/// the request took effect: the ambiguous failure a retrying client must survive).
struct FaultMiddleware: Middleware {
    let injector: FaultInjector

    func handle(_ request: Request, next: any HTTPHandler) async throws -> Response {
        guard let fault = injector.nextFault(method: request.method.rawValue, path: request.path) else {
            return try await next.handle(request)
        }
        request.logger.info("injecting fault: \(fault)")
        switch fault {
        case .status(let code, let retryAfter):
            var headers = HTTPHeaders()
            if let retryAfter {
                headers.add(name: "Retry-After", value: String(retryAfter))
                headers.add(name: "retry-after-ms", value: String(retryAfter * 1000))
            }
            let message = code == 429
                ? "Rate limit reached for requests. Please try again in \(retryAfter ?? 1)s."
                : "The server had an error while processing your request. Sorry about that!"
            throw APIError(HTTPStatus(code: code), message: message, headers: headers)
        case .slow(let delay):
            try await Task.sleep(for: delay)
            return try await next.handle(request)
        case .dropConnection:
            let response = try await next.handle(request)
            return try await Self.cutOff(response)
        }
    }

    /// The same response, whose body stops at half its length: the connection then closes.
    private static func cutOff(_ response: Response) async throws -> Response {
        var bytes: [UInt8]
        switch response.body {
        case .bytes(let body): bytes = body
        case .empty: bytes = []
        case .file(let file):
            // The whole length is announced and half the file is sent, in 64 KiB reads.
            var cut = response
            cut.body = .stream(contentLength: file.size) { writer in
                var offset: Int64 = 0
                var chunk = [UInt8](repeating: 0, count: 64 * 1024)
                while offset < file.size / 2 {
                    let want = Int(min(Int64(chunk.count), file.size / 2 - offset))
                    let n = chunk.withUnsafeMutableBytes { pread(file.fileDescriptor, $0.baseAddress, want, off_t(offset)) }
                    guard n > 0 else { break }
                    try await writer.write(Array(chunk[0..<n]))
                    offset += Int64(n)
                }
                throw FaultInjected()
            }
            return cut
        case .stream:
            bytes = Array("{\"partial\": true, \"padding\": \"................\"}".utf8)
        }
        if bytes.count < 2 { bytes += Array("{\"truncated\": true}".utf8) }
        let half = Array(bytes.prefix(bytes.count / 2))
        var cut = response
        cut.headers.replaceOrAdd(name: "Content-Type", value: response.headers["Content-Type"] ?? "application/json")
        cut.body = .stream(contentLength: Int64(bytes.count)) { writer in
            try await writer.write(half)
            throw FaultInjected()
        }
        return cut
    }

    /// Thrown by a cut-off body so the server closes the connection.
    struct FaultInjected: Error {}
}

import Foundation
import HTTPServer
import Logging
import Synchronization

/// Drives a `Router` and its middleware in process, without a socket, on the server's own path.
///
/// The request head is written as bytes and read by the server's `RequestParser` (so paths, queries and
/// header fields are decoded exactly as on a connection); `RequestDispatcher` then routes it (404, 405 with
/// `Allow`, parameters, the route's body limit), checks its framing, inflates a gzip body and runs the
/// middleware and the handler, mapping thrown errors to problem responses, as `Connection` does. The body is
/// fed in the given chunks with the connection's running size limit. The response is the handler's: status,
/// the header fields it and the middleware set (not the framing fields the writer adds), and its body bytes,
/// read whole from a `.file` and collected from a `.stream`. Modelled on Hummingbird's `RouterTestFramework`.
package struct InProcessClient: Sendable {
    /// What the server would run.
    package let dispatcher: RequestDispatcher
    /// Parser limits of the server being imitated.
    package let parserLimits: ParserLimits
    /// Told of every request, like the server's observer (metrics).
    package let observer: (any RequestObserver)?
    private let logger: Logger

    /// A client for `router` behind `middleware`, with the server `configuration`'s limits.
    package init(
        router: Router,
        middleware: [any Middleware] = [],
        configuration: Server.Configuration = Server.Configuration(),
        observer: (any RequestObserver)? = nil,
        logger: Logger = Logger(label: "in-process") { _ in SwiftLogNoOpLogHandler() }
    ) {
        dispatcher = RequestDispatcher(router: router, middleware: middleware, configuration: configuration)
        parserLimits = configuration.parserLimits
        self.observer = observer
        self.logger = logger
    }

    /// A request body: none, bytes sent with `Content-Length`, or chunks sent with chunked framing.
    package enum Body: Sendable {
        case none
        case bytes([UInt8])
        case chunks([[UInt8]])

        /// UTF-8 text with `Content-Length`.
        package static func text(_ text: String) -> Body { .bytes(Array(text.utf8)) }
    }

    /// Sends one request (`target` is the path with its query, as on the request line) and returns the response.
    package func execute(
        _ method: HTTPMethod,
        _ target: String,
        headers: [(String, String)] = [],
        body: Body = .none
    ) async throws -> InProcessResponse {
        var head = "\(method.rawValue) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let framed = headers.contains { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }
        var chunks: [[UInt8]] = []
        switch body {
        case .none:
            break
        case .bytes(let bytes):
            if !framed { head += "Content-Length: \(bytes.count)\r\n" }
            chunks = bytes.isEmpty ? [] : [bytes]
        case .chunks(let given):
            if !framed { head += "Transfer-Encoding: chunked\r\n" }
            chunks = given.filter { !$0.isEmpty }
        }
        head += "\r\n"

        var parser = RequestParser(limits: parserLimits)
        parser.append(Array(head.utf8))
        let parsed: RequestHead
        do {
            guard case .head(let found) = try parser.next() else {
                throw InProcessClientError("the request head did not parse: \(head)")
            }
            parsed = found
        } catch let error as HTTPParseError {
            // A connection answers a framing error with its problem and closes.
            return try await InProcessResponse(Response.problem(error.problem, headers: error.headers), method: method)
        }

        let routing = dispatcher.route(parsed)
        let source = InProcessBodySource(chunks: chunks, limit: routing.bodyLimit)
        let request = dispatcher.request(
            for: parsed, routing: routing, body: RequestBody(source: source), remoteAddress: nil, logger: logger
        )
        let started = ContinuousClock.now
        let response = await dispatcher.respond(to: request, routing: routing)
        let collected = try await InProcessResponse(response, method: method)
        observer?.requestFinished(RequestRecord(
            method: method, route: routing.route?.pattern, status: collected.status, bytesIn: source.bytesRead,
            bytesOut: Int64(collected.body.count), duration: .now - started
        ))
        return collected
    }
}

/// A response collected in process.
package struct InProcessResponse: Sendable {
    /// The status code.
    package var status: Int
    /// The header fields the handler and the middleware set.
    package var headers: HTTPHeaders
    /// The body bytes (none for HEAD, as the server sends none).
    package var body: [UInt8]

    init(_ response: Response, method: HTTPMethod) async throws {
        status = response.status.code
        headers = response.headers
        switch response.body {
        case .empty:
            body = []
        case .bytes(let bytes):
            body = bytes
        case .file(let file):
            body = try Self.read(file)
        case .stream(_, let producer):
            let writer = CollectingWriter()
            try await producer(writer)
            body = writer.bytes
        }
        if method == .head { body = [] }
    }

    /// The value of a header field.
    package func header(_ name: String) -> String? { headers[name] }

    /// The body as UTF-8 text.
    package var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object.
    package func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw InProcessClientError("not a JSON object: \(text)")
        }
        return object
    }

    private static func read(_ file: FileBody) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(file.size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(file.fileDescriptor, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw InProcessClientError("reading \(file.path) failed at \(offset) of \(file.size) bytes") }
            offset += n
        }
        return bytes
    }
}

/// The in-process client could not make or read a request.
package struct InProcessClientError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}

/// A request body fed from chunks, cut off past the route's limit as a connection cuts off a body.
private final class InProcessBodySource: RequestBodySource {
    private struct State {
        var chunks: [[UInt8]]
        var bytesRead: Int64 = 0
    }
    private let state: Mutex<State>
    private let limit: Int64

    init(chunks: [[UInt8]], limit: Int) {
        state = Mutex(State(chunks: chunks.reversed()))
        self.limit = Int64(limit)
    }

    var bytesRead: Int64 { state.withLock { $0.bytesRead } }

    func nextChunk() async throws -> [UInt8]? {
        try state.withLock { state in
            guard let chunk = state.chunks.popLast() else { return nil }
            state.bytesRead += Int64(chunk.count)
            guard state.bytesRead <= limit else {
                throw HTTPError(.payloadTooLarge, detail: "The request body is larger than \(limit) bytes.")
            }
            return chunk
        }
    }
}

/// Collects a streamed response body.
private final class CollectingWriter: ResponseBodyWriter, Sendable {
    private let collected = Mutex<[UInt8]>([])

    var bytes: [UInt8] { collected.withLock { $0 } }

    func write(_ bytes: [UInt8]) async throws {
        collected.withLock { $0 += bytes }
    }
}

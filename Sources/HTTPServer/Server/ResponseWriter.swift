import Glibc
import Gzip

/// Frames and sends one response: the head with `Date`, `Content-Length` or chunked coding, `Connection`,
/// gzip when negotiated; the body from memory (one `writev` with the head), a file (`sendfile`) or a stream.
struct ResponseWriter {
    let socket: ConnectedSocket
    let configuration: Server.Configuration
    let method: HTTPMethod
    let version: HTTPVersion
    let acceptEncoding: String?
    let requestID: String

    private var deadline: ContinuousClock.Instant { .now + configuration.writeTimeout }

    /// Sends the response; returns the number of bytes sent after the head.
    func write(_ response: Response, keepAlive: Bool) async throws -> Int64 {
        var headers = response.headers
        let status = response.status
        headers.replaceOrAdd(name: "Date", value: HTTPDate.now())
        if !headers.contains("X-Request-Id") { headers.add(name: "X-Request-Id", value: requestID) }
        var keepAlive = keepAlive
        let bodyAllowed = status.code >= 200 && status.code != 204 && status.code != 304
        let sendsBody = bodyAllowed && method != .head

        var body = response.body
        if !bodyAllowed {
            body = .empty
        }
        let compress = bodyAllowed && shouldCompress(status: status, headers: &headers, body: body)

        switch body {
        case .empty:
            headers.remove(name: "Transfer-Encoding")
            if bodyAllowed { headers.replaceOrAdd(name: "Content-Length", value: "0") } else { headers.remove(name: "Content-Length") }
            setConnection(&headers, keepAlive: keepAlive)
            try await socket.write([encode(status, headers)], deadline: deadline)
            return 0

        case .bytes(var bytes):
            if compress {
                bytes = try GzipCompressor.compress(bytes)
                headers.replaceOrAdd(name: "Content-Encoding", value: "gzip")
            }
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.count))
            setConnection(&headers, keepAlive: keepAlive)
            let head = encode(status, headers)
            try await socket.write(sendsBody && !bytes.isEmpty ? [head, bytes] : [head], deadline: deadline)
            return sendsBody ? Int64(bytes.count) : 0

        case .file(let file):
            if compress {
                return try await writeStream(status, &headers, keepAlive: &keepAlive, sendsBody: sendsBody, compress: true) { writer in
                    try await Self.copy(file, to: writer)
                }
            }
            headers.replaceOrAdd(name: "Content-Length", value: String(file.size))
            setConnection(&headers, keepAlive: keepAlive)
            try await socket.write([encode(status, headers)], deadline: deadline)
            guard sendsBody, file.size > 0 else { return 0 }
            try await socket.sendFile(file.fileDescriptor, offset: 0, count: file.size, deadline: deadline)
            return file.size

        case .stream(let contentLength, let producer):
            if let contentLength, !compress {
                headers.replaceOrAdd(name: "Content-Length", value: String(contentLength))
                setConnection(&headers, keepAlive: keepAlive)
                try await socket.write([encode(status, headers)], deadline: deadline)
                guard sendsBody else { return 0 }
                let writer = CountingWriter(socket: socket, writeTimeout: configuration.writeTimeout)
                try await producer(writer)
                // A producer that breaks its promise leaves the framing wrong: the connection cannot be reused.
                guard writer.count == contentLength else { throw TransportError.closed }
                return writer.count
            }
            return try await writeStream(status, &headers, keepAlive: &keepAlive, sendsBody: sendsBody, compress: compress, producer: producer)
        }
    }

    /// Sends a body of unknown length: chunked for HTTP/1.1, delimited by closing the connection for HTTP/1.0.
    private func writeStream(
        _ status: HTTPStatus,
        _ headers: inout HTTPHeaders,
        keepAlive: inout Bool,
        sendsBody: Bool,
        compress: Bool,
        producer: ResponseBodyProducer
    ) async throws -> Int64 {
        headers.remove(name: "Content-Length")
        if compress { headers.replaceOrAdd(name: "Content-Encoding", value: "gzip") }
        let chunked = version == .http1_1
        if chunked {
            headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
        } else {
            keepAlive = false
        }
        setConnection(&headers, keepAlive: keepAlive)
        try await socket.write([encode(status, headers)], deadline: deadline)
        guard sendsBody else { return 0 }
        let writer = StreamWriter(
            socket: socket,
            writeTimeout: configuration.writeTimeout,
            chunked: chunked,
            compressor: compress ? try GzipCompressor() : nil
        )
        try await producer(writer)
        try await writer.finish()
        return writer.count
    }

    private static func copy(_ file: FileBody, to writer: any ResponseBodyWriter) async throws {
        var offset: Int64 = 0
        let chunkSize = 256 * 1024
        while offset < file.size {
            let bytes = try [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
                let n = pread(file.fileDescriptor, buffer.baseAddress, chunkSize, off_t(offset))
                guard n >= 0 else { throw TransportError.system("pread", errno: errno) }
                count = n
            }
            if bytes.isEmpty { break }
            offset += Int64(bytes.count)
            try await writer.write(bytes)
        }
    }

    private func setConnection(_ headers: inout HTTPHeaders, keepAlive: Bool) {
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if version == .http1_0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
    }

    private func encode(_ status: HTTPStatus, _ headers: HTTPHeaders) -> [UInt8] {
        ResponseHeadEncoder.encode(status: status, headers: headers, version: .http1_1)
    }

    /// Whether to gzip this body; adds `Vary: Accept-Encoding` to every response whose encoding depends on it.
    private func shouldCompress(status: HTTPStatus, headers: inout HTTPHeaders, body: ResponseBody) -> Bool {
        guard configuration.compressResponses, status.code != 206, !headers.contains("Content-Encoding"),
              ContentCoding.isCompressible(headers["Content-Type"])
        else { return false }
        let size: Int64?
        switch body {
        case .empty: return false
        case .bytes(let bytes): size = Int64(bytes.count)
        case .file(let file): size = file.size
        case .stream(let length, _): size = length
        }
        if let size, size < configuration.minimumCompressibleBytes { return false }
        if !headers.containsToken("Accept-Encoding", in: "Vary") { headers.add(name: "Vary", value: "Accept-Encoding") }
        return ContentCoding.acceptsGzip(acceptEncoding)
    }
}

/// Writes stream chunks straight to the socket, counting them (for a stream of known length).
final class CountingWriter: ResponseBodyWriter {
    let socket: ConnectedSocket
    let writeTimeout: Duration
    private(set) var count: Int64 = 0

    init(socket: ConnectedSocket, writeTimeout: Duration) {
        self.socket = socket
        self.writeTimeout = writeTimeout
    }

    func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        count += Int64(bytes.count)
        try await socket.write([bytes], deadline: .now + writeTimeout)
    }
}

/// Writes a stream as chunks (or raw, for HTTP/1.0), gzip-compressed when asked.
final class StreamWriter: ResponseBodyWriter {
    let socket: ConnectedSocket
    let writeTimeout: Duration
    let chunked: Bool
    let compressor: GzipCompressor?
    private(set) var count: Int64 = 0

    private static let crlf: [UInt8] = [13, 10]
    private static let lastChunk = Array("0\r\n\r\n".utf8)

    init(socket: ConnectedSocket, writeTimeout: Duration, chunked: Bool, compressor: GzipCompressor?) {
        self.socket = socket
        self.writeTimeout = writeTimeout
        self.chunked = chunked
        self.compressor = compressor
    }

    func write(_ bytes: [UInt8]) async throws {
        let output = try compressor?.compress(bytes) ?? bytes
        try await send(output)
    }

    func finish() async throws {
        if let compressor { try await send(try compressor.finish()) }
        if chunked { try await socket.write([Self.lastChunk], deadline: .now + writeTimeout) }
    }

    private func send(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        count += Int64(bytes.count)
        if chunked {
            let size = Array((String(bytes.count, radix: 16) + "\r\n").utf8)
            try await socket.write([size, bytes, Self.crlf], deadline: .now + writeTimeout)
        } else {
            try await socket.write([bytes], deadline: .now + writeTimeout)
        }
    }
}

import Foundation

/// A response: status, header fields and a body that is bytes, a file or a stream.
///
/// The server adds what framing needs (`Content-Length` or chunked, `Date`, `Connection`) and compresses
/// the body when the client accepts gzip and it is worth it; handlers set only what they mean.
public struct Response: Sendable {
    /// The status.
    public var status: HTTPStatus
    /// Header fields set by the handler.
    public var headers: HTTPHeaders
    /// The body.
    public var body: ResponseBody

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with the given bytes and content type.
    public static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        return Response(status: status, headers: headers, body: .bytes(bytes))
    }

    /// A `text/plain; charset=utf-8` response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        bytes(Array(text.utf8), contentType: "text/plain; charset=utf-8", status: status)
    }

    /// An `application/json` response with the value encoded by `encoder` (sorted keys, no escaped slashes by default).
    public static func json(
        _ value: some Encodable,
        status: HTTPStatus = .ok,
        encoder: JSONEncoder = Response.defaultEncoder()
    ) throws -> Response {
        bytes(Array(try encoder.encode(value)), contentType: "application/json", status: status)
    }

    /// The JSON encoder `json(_:)` uses unless told otherwise.
    public static func defaultEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// An `application/problem+json` response (RFC 9457).
    public static func problem(_ problem: ProblemDetails, headers extra: HTTPHeaders = HTTPHeaders()) -> Response {
        var headers = extra
        headers.replaceOrAdd(name: "Content-Type", value: "application/problem+json")
        return Response(status: problem.httpStatus, headers: headers, body: .bytes(problem.encoded()))
    }
}

/// What a response carries after its head.
public enum ResponseBody: Sendable {
    /// No body (`Content-Length: 0` where the status allows a body).
    case empty
    /// Bytes in memory, sent with the head in one `writev`.
    case bytes([UInt8])
    /// An open file, sent with `sendfile(2)` (or compressed on the fly when gzip is negotiated).
    case file(FileBody)
    /// A body produced while it is sent, with chunked transfer coding; `contentLength` when known up front.
    case stream(contentLength: Int64? = nil, ResponseBodyProducer)
}

/// Writes a streamed response body; the handler's producer calls it as bytes become available.
public protocol ResponseBodyWriter {
    /// Sends bytes to the client (after compression, if negotiated); waits while the socket is full.
    func write(_ bytes: [UInt8]) async throws
}

/// Produces a streamed response body by calling the writer until it is done.
public typealias ResponseBodyProducer = @Sendable (any ResponseBodyWriter) async throws -> Void

/// A regular file opened for a response; closed when the response is done with it.
public final class FileBody: Sendable {
    /// The open file descriptor.
    public let fileDescriptor: Int32
    /// The file's size when opened.
    public let size: Int64
    /// The path it was opened from, for logs.
    public let path: String

    /// Opens a regular file for reading; throws 404 when it is missing and 403 when it is not a regular file.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw HTTPError(.notFound, detail: "No such file.")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw HTTPError(.forbidden, detail: "Not a regular file.")
        }
        fileDescriptor = fd
        size = Int64(info.st_size)
        self.path = path
    }

    deinit {
        close(fileDescriptor)
    }
}

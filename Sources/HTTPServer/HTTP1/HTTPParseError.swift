/// Why a request could not be parsed, with the status to answer before closing the connection.
///
/// After any of these the connection is no longer in a known state: answer with `status` and
/// `Connection: close`, then close (model: NIO `HTTPServerProtocolErrorHandler`).
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The response status this error calls for (400, 413, 414, 417, 431, 501 or 505).
    public let status: HTTPStatus
    /// What failed and why, for logs; never sent to the client verbatim by the parser.
    public let reason: String

    /// Creates an error from its status and a human-readable reason.
    public init(status: HTTPStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// `400 Bad Request`: the bytes are not valid HTTP/1.1.
    public static func badRequest(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .badRequest, reason: reason)
    }

    /// `413 Content Too Large`: the body is over ``ParserLimits/maxBodyBytes``.
    public static func contentTooLarge(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .payloadTooLarge, reason: reason)
    }

    /// `414 URI Too Long`: the request-target is over ``ParserLimits/maxRequestLineBytes``.
    public static func uriTooLong(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .uriTooLong, reason: reason)
    }

    /// `417 Expectation Failed`: an `Expect` value other than `100-continue`.
    public static func expectationFailed(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .expectationFailed, reason: reason)
    }

    /// `431 Request Header Fields Too Large`: a header or trailer limit was exceeded.
    public static func headerFieldsTooLarge(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .requestHeaderFieldsTooLarge, reason: reason)
    }

    /// `501 Not Implemented`: a transfer coding the parser does not implement.
    public static func notImplemented(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .notImplemented, reason: reason)
    }

    /// `505 HTTP Version Not Supported`: a well-formed version other than 1.x.
    public static func versionNotSupported(_ reason: String) -> HTTPParseError {
        HTTPParseError(status: .httpVersionNotSupported, reason: reason)
    }

    /// `400 Bad Request: <reason>` style text naming the status and what failed.
    public var description: String { "\(status): \(reason)" }
}

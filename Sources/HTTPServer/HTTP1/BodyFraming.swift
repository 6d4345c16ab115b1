/// How the body of a request is delimited on the connection (RFC 9112 §6).
public enum BodyFraming: Sendable, Equatable {
    /// The request has no body.
    case none
    /// The body is exactly this many bytes (`Content-Length`).
    case contentLength(Int64)
    /// The body is a sequence of chunks ended by a zero-size chunk (`Transfer-Encoding: chunked`).
    case chunked
}

/// One step of a parsed request, as returned by ``RequestParser/next()``.
public enum ParserEvent: Sendable {
    /// A complete, validated request head.
    case head(RequestHead)
    /// A piece of the request body, in order; pieces follow no chunk boundaries.
    case body([UInt8])
    /// The request is complete; trailers are empty unless a chunked body carried some.
    case end(trailers: HTTPHeaders)
}

/// Every bound the request parser enforces, each configurable
/// (model: NIO's `NIOHTTPDecoderLimitConfiguration`).
///
/// Line lengths are counted without their line ending.
public struct ParserLimits: Sendable, Equatable {
    /// The longest request line; over it the answer is `414` when the target is what is long, else `400`.
    public var maxRequestLineBytes: Int = 8192
    /// The longest single header field line; over it → `431`.
    public var maxHeaderLineBytes: Int = 8192
    /// All header field lines together (each without its line ending); over it → `431`.
    public var maxHeaderBytes: Int = 32768
    /// The most header field lines; over it → `431`.
    public var maxHeaderCount: Int = 100
    /// The most hexadecimal digits in a chunk size; over it (or zero digits) → `400`.
    public var maxChunkSizeDigits: Int = 16
    /// The longest chunk-size line (size plus extensions); over it → `400`.
    public var maxChunkLineBytes: Int = 4096
    /// All trailer field lines together (each without its line ending); over it → `431`.
    public var maxTrailerBytes: Int = 8192
    /// The largest body accepted: a larger `Content-Length` fails at the head, a chunked body as
    /// soon as its chunk sizes add up to more; over it → `413`. Unlimited by default, because
    /// the allowance usually depends on the route; set it as a server-wide ceiling.
    public var maxBodyBytes: Int64 = Int64.max

    /// The defaults above.
    public init() {}
}

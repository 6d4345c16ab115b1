/// Every bound the request parser enforces, each configurable
/// (model: NIO's `NIOHTTPDecoderLimitConfiguration`).
///
/// Line lengths are counted without their line ending. Body size is not limited here: the
/// connection layer knows the route and its allowance and checks ``BodyFraming`` and the bytes read.
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

    /// The defaults above.
    public init() {}
}

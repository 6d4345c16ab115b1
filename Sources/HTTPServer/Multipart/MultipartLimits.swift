/// Bounds on what a multipart/form-data body may contain. Anything over a limit is rejected, never buffered.
public struct MultipartLimits: Sendable {
    /// The most parts a body may have (413 beyond).
    public var maxParts = 100
    /// The most bytes a part's header block may have, excluding the blank line that ends it (400 beyond).
    public var maxPartHeaderBytes = 8192
    /// The most bytes a non-file part (a field, kept in memory) may have (413 beyond).
    public var maxFieldBytes = 64 * 1024
    /// The longest boundary accepted; RFC 2046 allows at most 70 characters.
    public var maxBoundaryLength = 70

    /// The defaults: 100 parts, 8 KiB of headers per part, 64 KiB per field, 70-character boundaries.
    public init() {}
}

/// An error from parsing or storing a multipart/form-data body.
///
/// `statusCode` is the HTTP status a server should answer with: 400 for a malformed body, 413 for a body
/// over a `MultipartLimits` bound, 500 when storing an uploaded file failed. Compare against the static
/// members (`error == .tooManyParts`); the detail in `description` is not part of equality.
public struct MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case invalidBoundary
        case malformedDelimiter
        case missingClosingDelimiter
        case partHeadersTooLarge
        case malformedPartHeaders
        case missingContentDisposition
        case tooManyParts
        case fieldTooLarge
        case invalidFieldEncoding
        case fileSystem(call: String, errno: Int32)
    }

    private let code: Code
    private let detail: String?

    private init(code: Code, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    /// The boundary is empty, longer than the limit, or has characters outside RFC 2046's `bchars`.
    public static let invalidBoundary = MultipartError(code: .invalidBoundary)
    /// A boundary delimiter is followed by something other than `--`, whitespace and CRLF.
    public static let malformedDelimiter = MultipartError(code: .malformedDelimiter)
    /// The body ended before the closing delimiter (`--boundary--`).
    public static let missingClosingDelimiter = MultipartError(code: .missingClosingDelimiter)
    /// A part's header block is longer than `MultipartLimits.maxPartHeaderBytes`.
    ///
    /// This is 400 rather than 431: 431 names the request's own header fields, and these are inside the body.
    public static let partHeadersTooLarge = MultipartError(code: .partHeadersTooLarge)
    /// A part header line is not `Name: value`.
    public static let malformedPartHeaders = MultipartError(code: .malformedPartHeaders)
    /// A part has no `Content-Disposition: form-data` header with a `name` parameter (RFC 7578 §4.2).
    public static let missingContentDisposition = MultipartError(code: .missingContentDisposition)
    /// The body has more parts than `MultipartLimits.maxParts`.
    public static let tooManyParts = MultipartError(code: .tooManyParts)
    /// A non-file part is larger than `MultipartLimits.maxFieldBytes`.
    public static let fieldTooLarge = MultipartError(code: .fieldTooLarge)
    /// A non-file part is not valid UTF-8.
    public static let invalidFieldEncoding = MultipartError(code: .invalidFieldEncoding)
    /// A system call failed while storing an uploaded file.
    public static func fileSystem(call: String, errno: Int32) -> MultipartError {
        MultipartError(code: .fileSystem(call: call, errno: errno))
    }

    /// The same error with a detail (a field name, a count) for the description.
    func with(detail: String) -> MultipartError { MultipartError(code: code, detail: detail) }

    /// Equal when the kinds are equal; details are ignored.
    public static func == (lhs: MultipartError, rhs: MultipartError) -> Bool { lhs.code == rhs.code }

    /// The HTTP status code for this error: 400, 413 or 500.
    public var statusCode: Int {
        switch code {
        case .tooManyParts, .fieldTooLarge: 413
        case .fileSystem: 500
        default: 400
        }
    }

    /// What failed and why.
    public var description: String {
        let base: String
        switch code {
        case .invalidBoundary: base = "multipart: invalid boundary (1-70 characters of RFC 2046 bchars)"
        case .malformedDelimiter: base = "multipart: unexpected bytes after a boundary delimiter"
        case .missingClosingDelimiter: base = "multipart: body ended without the closing boundary delimiter"
        case .partHeadersTooLarge: base = "multipart: part header block exceeds the limit"
        case .malformedPartHeaders: base = "multipart: malformed part header line"
        case .missingContentDisposition: base = "multipart: part lacks Content-Disposition: form-data with a name"
        case .tooManyParts: base = "multipart: too many parts"
        case .fieldTooLarge: base = "multipart: form field exceeds the size limit"
        case .invalidFieldEncoding: base = "multipart: form field is not valid UTF-8"
        case .fileSystem(let call, let errno): base = "multipart: \(call) failed while storing an upload (errno \(errno))"
        }
        guard let detail else { return base }
        return "\(base): \(detail)"
    }
}

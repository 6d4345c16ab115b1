import CZlib
#if canImport(Glibc)
import Glibc
#endif

/// An error thrown by `GzipCompressor`, `GzipDecompressor` or `GzipFile`.
///
/// Compare against the static members (`error == .truncated`); `zlib(_:)` carries zlib's return code.
public struct GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case corruptData
        case outputLimitExceeded
        case truncated
        case zlib(Int32)
        case system(call: String, errno: Int32)
    }

    private let code: Code
    /// zlib's own message (`z_stream.msg`) when it gave one, or the file of a `system` error; not part of equality.
    private let message: String?

    private init(code: Code, message: String? = nil) {
        self.code = code
        self.message = message
    }

    /// The input is not valid gzip data (bad header, bad deflate data, or a CRC/length mismatch).
    public static let corruptData = GzipError(code: .corruptData)
    /// Decompressing produced more bytes than the decompressor's `maxOutputBytes`.
    public static let outputLimitExceeded = GzipError(code: .outputLimitExceeded)
    /// The input ended before the end of a gzip member (or contained no member at all).
    public static let truncated = GzipError(code: .truncated)
    /// zlib returned an unexpected code (for example `Z_MEM_ERROR` or `Z_STREAM_ERROR`).
    public static func zlib(_ code: Int32) -> GzipError { GzipError(code: .zlib(code)) }
    /// A file operation of `GzipFile` failed: the call (`open`, `read`, `write`), the file and the errno.
    public static func system(_ call: String, path: String, errno: Int32) -> GzipError {
        GzipError(code: .system(call: call, errno: errno), message: path)
    }

    /// True for an error of the input's bytes (corrupt or truncated), as opposed to a limit, zlib or the file system.
    public var isMalformedInput: Bool { code == .corruptData || code == .truncated }

    /// The same error with zlib's message attached for the description.
    func with(message: UnsafePointer<CChar>?) -> GzipError {
        guard let message else { return self }
        return GzipError(code: code, message: String(cString: message))
    }

    /// Equal when the kinds (and zlib codes) are equal; zlib's message is ignored.
    public static func == (lhs: GzipError, rhs: GzipError) -> Bool { lhs.code == rhs.code }

    /// What failed and why.
    public var description: String {
        let base: String
        switch code {
        case .corruptData: base = "gzip: corrupt data"
        case .outputLimitExceeded: base = "gzip: decompressed output exceeds the configured limit"
        case .truncated: base = "gzip: input ended before the end of a gzip member"
        case .zlib(let code): base = "gzip: zlib returned \(code) (\(Self.name(of: code)))"
        case .system(let call, let errno):
            return "gzip: \(call) \(message ?? "?"): \(String(cString: strerror(errno)))"
        }
        guard let message else { return base }
        return "\(base): \(message)"
    }

    private static func name(of code: Int32) -> String {
        switch code {
        case Z_STREAM_ERROR: "Z_STREAM_ERROR"
        case Z_DATA_ERROR: "Z_DATA_ERROR"
        case Z_MEM_ERROR: "Z_MEM_ERROR"
        case Z_BUF_ERROR: "Z_BUF_ERROR"
        case Z_VERSION_ERROR: "Z_VERSION_ERROR"
        case Z_NEED_DICT: "Z_NEED_DICT"
        case Z_ERRNO: "Z_ERRNO"
        default: "unknown"
        }
    }
}

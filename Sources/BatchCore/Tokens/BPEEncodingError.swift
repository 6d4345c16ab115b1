/// Why a vocabulary could not be read: the file, the line and what is wrong with it.
public struct BPEEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Equatable {
        case corruptLine(line: Int, reason: String)
        case missingByte(UInt8)
        case empty
    }

    private let code: Code

    /// A line that is not `base64(token) rank`, or repeats a token.
    static func corruptLine(_ line: Int, _ reason: String) -> BPEEncodingError {
        BPEEncodingError(code: .corruptLine(line: line, reason: reason))
    }

    /// A vocabulary without a token for some single byte cannot encode every text.
    static func missingByte(_ byte: UInt8) -> BPEEncodingError { BPEEncodingError(code: .missingByte(byte)) }

    /// A file without a token.
    static let empty = BPEEncodingError(code: .empty)

    /// What is wrong, in words.
    public var description: String {
        switch code {
        case .corruptLine(let line, let reason): "line \(line) is not a tiktoken vocabulary line: \(reason)"
        case .missingByte(let byte): "the vocabulary has no token for the single byte \(byte)"
        case .empty: "the vocabulary has no tokens"
        }
    }
}

/// A batch id checked against the shape ids have (`batch_abc123`), before it is used as a folder name.
///
/// Letters, digits, `_` and `-`, starting with a letter or digit, at most 200 characters: no dot, no
/// slash, nothing a path could be built from. Ids from OpenAI and compatible servers fit.
public struct BatchID: Sendable, Hashable, CustomStringConvertible {
    /// The id as the API gave it.
    public let rawValue: String

    /// Checks the shape; throws `WorkspaceError.invalidBatchID` otherwise.
    public init(_ rawValue: String) throws(WorkspaceError) {
        let bytes = Array(rawValue.utf8)
        guard (1...200).contains(bytes.count), Self.isAlphanumeric(bytes[0]),
              bytes.allSatisfy({ Self.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else { throw .invalidBatchID(rawValue) }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}

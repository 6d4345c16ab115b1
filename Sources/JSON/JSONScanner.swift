/// A strict, single-pass JSON (RFC 8259) scanner over bytes: the one reader of the project.
///
/// Hand-written because validation must keep up with the disk: it checks a 200 MB request file without
/// building a value, and readers that want a value build only the members they keep. Callers walk a
/// document with `scanObject`/`scanArray`, pass over what they do not need with `skipValue`, and read
/// strings with `readString`; `JSONValue(parsing:keeping:)` builds a whole document.
///
/// The hot paths are `@inlinable` so that a reader in another module (BatchCore's request-line picker)
/// gets them specialised with its own closures, as fast as when the scanner lived beside it.
public struct JSONScanner {
    /// The JSON type of a value, worded for messages ("custom_id must be a string, found a number").
    public enum Kind: String, Sendable {
        /// `{ ... }`.
        case object = "an object"
        /// `[ ... ]`.
        case array = "an array"
        /// `"..."`.
        case string = "a string"
        /// A number.
        case number = "a number"
        /// `true` or `false`.
        case bool = "a boolean"
        /// `null`.
        case null = "null"
    }

    /// Why the bytes are not valid JSON, with the 1-based column (byte offset + 1) where it was seen.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong, in words ("the string is not closed").
        public let reason: String
        /// The 1-based byte column.
        public let column: Int

        /// A failure at `column`.
        public init(reason: String, column: Int) {
            self.reason = reason
            self.column = column
        }

        /// The reason and the column.
        public var description: String { "\(reason) at column \(column)" }
    }

    /// How deep objects and arrays may nest: hostile input must not exhaust the stack.
    public static let maxDepth = 256

    /// The bytes scanned; they must outlive the scanner.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The cursor: the offset of the next byte to look at.
    public var index = 0
    /// Whether a `\u` escape appeared in a string passed so far (some readers treat such lines apart).
    public var sawUnicodeEscape = false

    /// A scanner at the start of `bytes`.
    @inlinable
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The byte at the cursor, or `nil` at the end.
    @inlinable @inline(__always)
    public func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    /// A failure at the cursor.
    @inlinable
    public func fail(_ reason: String) -> Failure {
        Failure(reason: reason, column: index + 1)
    }

    /// Whether the bytes at the cursor are `literal` (the cursor does not move).
    @inlinable
    public func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        return true
    }

    /// Moves the cursor past spaces, tabs, line feeds and carriage returns.
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Throws unless only whitespace is left: a document is exactly one value.
    @inlinable
    public mutating func expectEnd(_ reason: String = "unexpected text after the JSON value") throws(Failure) {
        skipWhitespace()
        guard index == bytes.count else { throw fail(reason) }
    }
}

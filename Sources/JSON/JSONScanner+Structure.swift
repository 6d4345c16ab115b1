extension JSONScanner {
    /// Walks an object whose `{` is at the cursor, calling `member` with each key and the cursor on its
    /// value (whitespace skipped); `member` must consume the value. `depth` is the object's own nesting
    /// level (0 for a document's root), checked against `maxDepth`.
    @inlinable
    public mutating func scanObject(
        depth: Int, _ member: (inout JSONScanner, String) throws(Failure) -> Void
    ) throws(Failure) {
        guard depth < Self.maxDepth else { throw fail("nested more than \(Self.maxDepth) levels deep") }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a quoted member name") }
            let key = try readString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            index += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            case nil: throw fail("the object is not closed")
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// Walks an array whose `[` is at the cursor, calling `element` with the cursor on each element
    /// (whitespace skipped); `element` must consume it.
    @inlinable
    public mutating func scanArray(depth: Int, _ element: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        guard depth < Self.maxDepth else { throw fail("nested more than \(Self.maxDepth) levels deep") }
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() != nil else { throw fail("a value is missing") }
            try element(&self)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return
            case nil: throw fail("the array is not closed")
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    /// Checks one value of any kind at the cursor (after whitespace), moves past it and returns its kind.
    @inlinable
    public mutating func skipValue(depth: Int) throws(Failure) -> Kind {
        skipWhitespace()
        guard let byte = peek() else { throw fail("a value is missing") }
        switch byte {
        case UInt8(ascii: "{"):
            try scanObject(depth: depth) { scanner, _ throws(Failure) in _ = try scanner.skipValue(depth: depth + 1) }
            return .object
        case UInt8(ascii: "["):
            try scanArray(depth: depth) { scanner throws(Failure) in _ = try scanner.skipValue(depth: depth + 1) }
            return .array
        case UInt8(ascii: "\""):
            try skipString()
            return .string
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
            return .number
        default:
            throw fail("unexpected character '\(Self.printable(byte))'")
        }
    }

    /// Moves past `text` at the cursor, or throws.
    @inlinable
    public mutating func literal(_ text: StaticString) throws(Failure) {
        guard matches(text) else { throw fail("invalid literal (expected \(text))") }
        index += text.utf8CodeUnitCount
    }

    /// Checks a number at the cursor (RFC 8259 grammar: no leading zeros, no bare `.`) and moves past it.
    @inlinable
    public mutating func skipNumber() throws(Failure) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw fail("a number needs digits") }
        index += 1
        if first != UInt8(ascii: "0") {
            while let byte = peek(), Self.isDigit(byte) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let byte = peek(), Self.isDigit(byte) else { throw fail("a number needs digits after '.'") }
            while let byte = peek(), Self.isDigit(byte) { index += 1 }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek(), Self.isDigit(byte) else { throw fail("a number needs digits in its exponent") }
            while let byte = peek(), Self.isDigit(byte) { index += 1 }
        }
    }

    @inlinable @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A byte as it reads in a message: itself when printable, `\u{..}` otherwise.
    @usableFromInline
    static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}

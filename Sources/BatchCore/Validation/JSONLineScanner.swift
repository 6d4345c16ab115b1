/// A strict, single-pass JSON (RFC 8259) checker for one input line that also picks out the fields the
/// Batch API's rules look at: `custom_id`, `method`, `url`, and `body.model` / `body.stream`.
///
/// Hand-written because validation must keep up with the disk: Foundation's JSONSerialization builds
/// every value of a 200 MB file only to throw them away. Nothing here allocates except the few strings kept.
struct JSONLineScanner {
    /// The JSON type of a value, for messages ("custom_id must be a string, found a number").
    enum Kind: String {
        case object = "an object", array = "an array", string = "a string", number = "a number"
        case bool = "a boolean", null = "null"
    }

    /// A field of interest: missing, a string, or a value of another type.
    enum Field: Equatable {
        case absent
        case string(String)
        case other(Kind)
    }

    /// What a request line says, as far as validation cares.
    struct Fields {
        var customID = Field.absent
        var method = Field.absent
        var url = Field.absent
        var body = Field.absent
        var model = Field.absent
        var stream = Field.absent
        /// `stream` was the literal `true`.
        var streams = false
        /// `body.messages` as spans, when it is an array of plain messages (see `ScannedRequestLine`).
        var messages: [ChatMessageSpan]?
        /// A `\u` escape appeared somewhere on the line.
        var sawUnicodeEscape = false
    }

    /// Why the line is not valid JSON, with the 1-based column.
    struct Failure: Error {
        let reason: String
        let column: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var sawUnicodeEscape = false
    private static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Checks the whole line and returns its fields; throws unless it is exactly one JSON object.
    mutating func scanRequestLine() throws(Failure) -> Fields {
        var fields = Fields()
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            if index >= bytes.count { throw fail("the line is empty") }
            _ = try skipValue(depth: 0)
            throw Failure(reason: "the line is not a JSON object", column: 1)
        }
        try scanObject(depth: 0) { scanner, key throws(Failure) in
            switch key {
            case "custom_id": fields.customID = try scanner.field()
            case "method": fields.method = try scanner.field()
            case "url": fields.url = try scanner.field()
            case "body":
                if scanner.peek() == UInt8(ascii: "{") {
                    fields.body = .other(.object)
                    var messagesSeen = false
                    try scanner.scanObject(depth: 1) { inner, key throws(Failure) in
                        switch key {
                        case "model": fields.model = try inner.field()
                        case "messages":
                            // Taken apart on the way, for a reader of the line that wants the texts;
                            // checked in full either way. A repeated member gives no spans.
                            let spans = try inner.chatMessages(depth: 2)
                            fields.messages = messagesSeen ? nil : spans
                            messagesSeen = true
                        case "stream":
                            fields.streams = inner.matches("true")
                            fields.stream = try inner.field()
                        default: _ = try inner.skipValue(depth: 2)
                        }
                    }
                } else {
                    fields.body = try scanner.field()
                }
            default:
                _ = try scanner.skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON object") }
        fields.sawUnicodeEscape = sawUnicodeEscape
        return fields
    }

    /// Checks the value at `index` as `skipValue(depth:)` does and, when it is an array of plain
    /// chat messages, returns where their contents are; `nil` for anything else.
    private mutating func chatMessages(depth: Int) throws(Failure) -> [ChatMessageSpan]? {
        guard peek() == UInt8(ascii: "[") else {
            _ = try skipValue(depth: depth)
            return nil
        }
        var spans: [ChatMessageSpan] = []
        var plain = true
        try scanArray(depth: depth) { scanner throws(Failure) in
            guard plain, scanner.peek() == UInt8(ascii: "{") else {
                plain = false
                _ = try scanner.skipValue(depth: depth + 1)
                return
            }
            var content: (range: Range<Int>, escaped: Bool)?
            var isUser = false
            var roleSeen = false
            try scanner.scanObject(depth: depth + 1) { member, key throws(Failure) in
                switch key {
                case "content" where content == nil && member.peek() == UInt8(ascii: "\""):
                    let start = member.index + 1
                    let escaped = try member.skipString()
                    content = (start..<(member.index - 1), escaped)
                case "role" where !roleSeen && member.peek() == UInt8(ascii: "\""):
                    roleSeen = true
                    isUser = try member.readString() == "user"
                default:
                    // Another member, a repeated one, or a content or role that is not a string.
                    if key == "content" || key == "role" { plain = false }
                    _ = try member.skipValue(depth: depth + 2)
                }
            }
            if let content {
                spans.append(ChatMessageSpan(content: content.range, escaped: content.escaped, isUser: isUser))
            } else {
                plain = false
            }
        }
        return plain ? spans : nil
    }

    // MARK: - Values

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private func fail(_ reason: String) -> Failure {
        Failure(reason: reason, column: index + 1)
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// A field's value: decoded when it is a string, its kind otherwise.
    private mutating func field() throws(Failure) -> Field {
        if peek() == UInt8(ascii: "\"") { return .string(try readString()) }
        return .other(try skipValue(depth: 2))
    }

    /// Walks an object whose `{` is at `index`, calling `member` with each key and the cursor on its value;
    /// `member` must consume the value.
    private mutating func scanObject(depth: Int, _ member: (inout JSONLineScanner, String) throws(Failure) -> Void) throws(Failure) {
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

    /// Walks an array whose `[` is at `index`, calling `element` with the cursor on each element
    /// (whitespace skipped); `element` must consume it.
    private mutating func scanArray(depth: Int, _ element: (inout JSONLineScanner) throws(Failure) -> Void) throws(Failure) {
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

    /// Checks one value of any kind and returns its kind.
    private mutating func skipValue(depth: Int) throws(Failure) -> Kind {
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

    private mutating func literal(_ text: StaticString) throws(Failure) {
        guard matches(text) else { throw fail("invalid literal (expected \(text))") }
        index += text.utf8CodeUnitCount
    }

    private mutating func skipNumber() throws(Failure) {
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

    // MARK: - Strings

    /// Checks a string whose `"` is at `index` and returns whether it held escapes.
    @discardableResult
    private mutating func skipString() throws(Failure) -> Bool {
        index += 1
        var escaped = false
        while index < bytes.count {
            skipPlainASCII()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escaped
            case UInt8(ascii: "\\"):
                escaped = true
                try skipEscape()
            case 0..<0x20:
                throw fail("a control character must be escaped in a string")
            case 0x80...:
                try skipUTF8Sequence()
            default:
                index += 1
            }
        }
        throw fail("the string is not closed")
    }

    /// Skips eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII
    /// (SWAR: the test works on a whole 64-bit word). Prompts are long runs of plain text; this is the hot loop.
    @inline(__always)
    private mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero in `quote`/`backslash` where it matched; below 0x20 where it is a control character.
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word
            if special & highs != 0 { return }
            index += 8
        }
    }

    private mutating func skipEscape() throws(Failure) {
        guard index + 1 < bytes.count else { throw fail("the string is not closed") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            sawUnicodeEscape = true
            guard index + 6 <= bytes.count, (2..<6).allSatisfy({ Self.hexValue(bytes[index + $0]) != nil }) else {
                throw fail("\\u needs four hex digits")
            }
            index += 6
        default:
            throw fail("invalid escape '\\\(Self.printable(bytes[index + 1]))'")
        }
    }

    /// Checks one UTF-8 encoded scalar (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
    private mutating func skipUTF8Sequence() throws(Failure) {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw fail("invalid UTF-8")
        }
        guard index + length <= bytes.count else { throw fail("invalid UTF-8") }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { throw fail("invalid UTF-8") }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8")
        }
        index += length
    }

    /// Reads a string whose `"` is at `index`, decoding escapes.
    private mutating func readString() throws(Failure) -> String {
        let start = index + 1
        let hadEscapes = try skipString()
        let content = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
        guard hadEscapes else { return String(decoding: content, as: UTF8.self) }
        return Self.unescape(content)
    }

    /// Decodes the escapes of string content already checked by `skipString`.
    private static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var position = 0
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(content[at + $1])!) }
        }
        while position < content.count {
            let byte = content[position]
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                position += 1
                continue
            }
            let kind = content[position + 1]
            position += 2
            switch kind {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                flush()
                var value = hex4(position)
                position += 4
                if (0xD800...0xDBFF).contains(value), position + 6 <= content.count,
                   content[position] == UInt8(ascii: "\\"), content[position + 1] == UInt8(ascii: "u") {
                    let low = hex4(position + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: utf8.append(kind)
            }
        }
        flush()
        return String(scalars)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}

import JSON

/// Picks out of one request line the fields the Batch API's rules look at (`custom_id`, `method`, `url`,
/// `body.model` / `body.stream`, and `body.messages` as spans), while `JSONScanner` checks the whole line
/// as strict JSON. Nothing here allocates except the few strings kept.
struct JSONLineScanner {
    /// The JSON type of a value, for messages.
    typealias Kind = JSONScanner.Kind
    /// Why the line is not valid JSON, with the 1-based column.
    typealias Failure = JSONScanner.Failure

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

    private var scanner: JSONScanner

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        scanner = JSONScanner(bytes)
    }

    /// Checks the whole line and returns its fields; throws unless it is exactly one JSON object.
    mutating func scanRequestLine() throws(Failure) -> Fields {
        var fields = Fields()
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else {
            if scanner.index >= scanner.bytes.count { throw scanner.fail("the line is empty") }
            _ = try scanner.skipValue(depth: 0)
            throw Failure(reason: "the line is not a JSON object", column: 1)
        }
        try scanner.scanObject(depth: 0) { scanner, key throws(Failure) in
            switch key {
            case "custom_id": fields.customID = try Self.field(&scanner)
            case "method": fields.method = try Self.field(&scanner)
            case "url": fields.url = try Self.field(&scanner)
            case "body":
                if scanner.peek() == UInt8(ascii: "{") {
                    fields.body = .other(.object)
                    try Self.scanBody(&scanner, into: &fields)
                } else {
                    fields.body = try Self.field(&scanner)
                }
            default:
                _ = try scanner.skipValue(depth: 1)
            }
        }
        try scanner.expectEnd("unexpected text after the JSON object")
        fields.sawUnicodeEscape = scanner.sawUnicodeEscape
        return fields
    }

    /// The members of `body` that validation reads; the rest is checked and passed over.
    private static func scanBody(_ scanner: inout JSONScanner, into fields: inout Fields) throws(Failure) {
        var messagesSeen = false
        try scanner.scanObject(depth: 1) { inner, key throws(Failure) in
            switch key {
            case "model": fields.model = try field(&inner)
            case "messages":
                // Taken apart on the way, for a reader of the line that wants the texts;
                // checked in full either way. A repeated member gives no spans.
                let spans = try chatMessages(&inner, depth: 2)
                fields.messages = messagesSeen ? nil : spans
                messagesSeen = true
            case "stream":
                fields.streams = inner.matches("true")
                fields.stream = try field(&inner)
            default: _ = try inner.skipValue(depth: 2)
            }
        }
    }

    /// Checks the value at the cursor as `skipValue(depth:)` does and, when it is an array of plain
    /// chat messages, returns where their contents are; `nil` for anything else.
    private static func chatMessages(_ scanner: inout JSONScanner, depth: Int) throws(Failure) -> [ChatMessageSpan]? {
        guard scanner.peek() == UInt8(ascii: "[") else {
            _ = try scanner.skipValue(depth: depth)
            return nil
        }
        var spans: [ChatMessageSpan] = []
        var plain = true
        try scanner.scanArray(depth: depth) { scanner throws(Failure) in
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

    /// A field's value: decoded when it is a string, its kind otherwise.
    private static func field(_ scanner: inout JSONScanner) throws(Failure) -> Field {
        if scanner.peek() == UInt8(ascii: "\"") { return .string(try scanner.readString()) }
        return .other(try scanner.skipValue(depth: 2))
    }
}

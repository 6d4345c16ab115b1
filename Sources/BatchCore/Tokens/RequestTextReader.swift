import JSON

/// Picks out of one request line what its input tokens are counted from: the texts the model reads, the
/// tokens counted without text (per-message overhead, token arrays), the model and the output caps. Texts
/// without escapes stay spans of the line; only escaped ones are decoded.
struct RequestTextReader {
    /// One text to count.
    enum Text {
        /// Bytes of the line (a string's content without escapes).
        case span(Range<Int>)
        /// A string that held escapes, decoded.
        case decoded(String)
    }

    /// Tokens OpenAI bills around chat messages (the rule of OpenAI's cookbook for gpt-3.5-turbo-0613,
    /// gpt-4 and gpt-4o): every message costs 3 more than its texts, a `name` 1 more, and the reply is
    /// primed with 3.
    static let perMessage = 3, perName = 1, replyPriming = 3

    private(set) var model: String?
    private(set) var texts: [Text] = []
    /// Tokens known without counting text.
    private(set) var fixedTokens = 0
    /// The largest of `max_tokens`, `max_completion_tokens`, `max_output_tokens`.
    private(set) var outputCeiling: Int?

    /// Reads `line`; a line that is not a JSON object with a `body` object leaves everything empty.
    init(line: UnsafeBufferPointer<UInt8>) {
        var scanner = JSONScanner(line)
        scanner.skipWhitespace()
        guard scanner.peek() == UInt8(ascii: "{") else { return }
        do {
            try scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
                if key == "body", scanner.peek() == UInt8(ascii: "{") {
                    try readBody(&scanner)
                } else {
                    _ = try scanner.skipValue(depth: 1)
                }
            }
        } catch {
            self = RequestTextReader()
        }
    }

    private init() {}

    private mutating func readBody(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) {
        try scanner.scanObject(depth: 1) { scanner, key throws(JSONScanner.Failure) in
            switch key {
            case "model" where scanner.peek() == UInt8(ascii: "\""):
                model = try scanner.readString()
            case "messages" where scanner.peek() == UInt8(ascii: "["):
                try scanner.scanArray(depth: 2) { scanner throws(JSONScanner.Failure) in try readMessage(&scanner) }
                fixedTokens += Self.replyPriming
            case "input", "prompt":
                try readInput(&scanner, depth: 2)
            case "instructions":
                try readText(&scanner, depth: 2)
            case "max_tokens", "max_completion_tokens", "max_output_tokens":
                if let cap = try Self.integer(&scanner) { outputCeiling = max(outputCeiling ?? 0, cap) }
            default:
                _ = try scanner.skipValue(depth: 2)
            }
        }
    }

    /// A chat message: its role, name and content (a string, or parts whose `text` counts).
    private mutating func readMessage(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) {
        guard scanner.peek() == UInt8(ascii: "{") else {
            _ = try scanner.skipValue(depth: 3)
            return
        }
        fixedTokens += Self.perMessage
        try scanner.scanObject(depth: 3) { scanner, key throws(JSONScanner.Failure) in
            switch key {
            case "role": try readText(&scanner, depth: 4)
            case "name":
                if scanner.peek() == UInt8(ascii: "\"") { fixedTokens += Self.perName }
                try readText(&scanner, depth: 4)
            case "content": try readContent(&scanner, depth: 4)
            default: _ = try scanner.skipValue(depth: 4)
            }
        }
    }

    /// `input` or `prompt`: a string; or an array of strings, token ids, token arrays, or items (a
    /// responses message with a role and content, a moderation part with `text`).
    private mutating func readInput(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.Failure) {
        guard scanner.peek() == UInt8(ascii: "[") else {
            try readText(&scanner, depth: depth)
            return
        }
        try scanner.scanArray(depth: depth) { scanner throws(JSONScanner.Failure) in
            switch scanner.peek() {
            case UInt8(ascii: "\""): try readText(&scanner, depth: depth + 1)
            case UInt8(ascii: "["):
                try scanner.scanArray(depth: depth + 1) { scanner throws(JSONScanner.Failure) in
                    fixedTokens += 1
                    _ = try scanner.skipValue(depth: depth + 2)
                }
            case UInt8(ascii: "{"):
                try scanner.scanObject(depth: depth + 1) { scanner, key throws(JSONScanner.Failure) in
                    switch key {
                    case "role":
                        if scanner.peek() == UInt8(ascii: "\"") { fixedTokens += Self.perMessage }
                        try readText(&scanner, depth: depth + 2)
                    case "content": try readContent(&scanner, depth: depth + 2)
                    case "text": try readText(&scanner, depth: depth + 2)
                    default: _ = try scanner.skipValue(depth: depth + 2)
                    }
                }
            default:
                // A token id of a pre-tokenized input.
                if try scanner.skipValue(depth: depth + 1) == .number { fixedTokens += 1 }
            }
        }
    }

    /// Content: a string, or parts whose `text` member counts (`text`, `input_text`, `output_text`).
    /// Images, audio and files are not counted.
    private mutating func readContent(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.Failure) {
        guard scanner.peek() == UInt8(ascii: "[") else {
            try readText(&scanner, depth: depth)
            return
        }
        try scanner.scanArray(depth: depth) { scanner throws(JSONScanner.Failure) in
            guard scanner.peek() == UInt8(ascii: "{") else {
                try readText(&scanner, depth: depth + 1)
                return
            }
            try scanner.scanObject(depth: depth + 1) { scanner, key throws(JSONScanner.Failure) in
                if key == "text" { try readText(&scanner, depth: depth + 2) } else { _ = try scanner.skipValue(depth: depth + 2) }
            }
        }
    }

    /// A string counts as text; any other value is passed over.
    private mutating func readText(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.Failure) {
        guard scanner.peek() == UInt8(ascii: "\"") else {
            _ = try scanner.skipValue(depth: depth)
            return
        }
        let start = scanner.index
        if try scanner.skipString() {
            var again = JSONScanner(scanner.bytes)
            again.index = start
            texts.append(.decoded(try again.readString()))
        } else {
            texts.append(.span((start + 1)..<(scanner.index - 1)))
        }
    }

    /// A non-negative integer at the cursor, or `nil` for any other value (which is passed over).
    private static func integer(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> Int? {
        let start = scanner.index
        guard try scanner.skipValue(depth: 2) == .number else { return nil }
        var value = 0
        for index in start..<scanner.index {
            let digit = Int(scanner.bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit), value < Int.max / 10 - 9 else { return nil }
            value = value * 10 + digit
        }
        return value
    }
}

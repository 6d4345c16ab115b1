/// A parsed JSON value, as small as the parser needs.
///
/// Result lines are parsed with this instead of `JSONSerialization`: on Linux the latter bridges
/// every value to Foundation objects and cost a third of a parse run (78 µs per 4 KB line).
enum JSONValue {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object.
    subscript(key: String) -> JSONValue? {
        if case let .object(members) = self { return members[key] }
        return nil
    }

    /// The element `index` of an array.
    subscript(index: Int) -> JSONValue? {
        if case let .array(elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// The string, if this is one.
    var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// The number, if this is one.
    var number: Double? {
        if case let .number(value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    var array: [JSONValue]? {
        if case let .array(elements) = self { return elements }
        return nil
    }

    /// True for objects.
    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// Parses one JSON document (RFC 8259) from `bytes`; `nil` when it is not valid JSON.
    /// With `keeping`, object members with other names are checked for validity but not built
    /// (a result line's `usage`, `logprobs`, ids... are never read).
    static func parse(_ bytes: UnsafeRawBufferPointer, keeping keys: Set<String>? = nil) -> JSONValue? {
        var parser = JSONValueParser(bytes: bytes, keys: keys)
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.position == bytes.count ? value : nil
    }
}

/// A recursive-descent parser over raw bytes, with a nesting limit so hostile input cannot
/// exhaust the stack.
private struct JSONValueParser {
    let bytes: UnsafeRawBufferPointer
    let keys: Set<String>?
    var position = 0
    static let maxDepth = 256

    init(bytes: UnsafeRawBufferPointer, keys: Set<String>?) {
        self.bytes = bytes
        self.keys = keys
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipWhitespace()
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        position += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            if let keys, !keys.contains(key) {
                guard skip(depth: depth + 1) else { return nil }
            } else {
                guard let member = value(depth: depth + 1) else { return nil }
                members[key] = member
            }
            skipWhitespace()
            guard position < bytes.count else { return nil }
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "}") { return .object(members) }
            guard separator == UInt8(ascii: ",") else { return nil }
        }
    }

    /// Validates and passes over one value without building it.
    private mutating func skip(depth: Int) -> Bool {
        guard depth < Self.maxDepth else { return false }
        skipWhitespace()
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[position] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let isObject = close == UInt8(ascii: "}")
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == close {
                position += 1
                return true
            }
            while true {
                if isObject {
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), skipString() else { return false }
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
                    position += 1
                }
                guard skip(depth: depth + 1) else { return false }
                skipWhitespace()
                guard position < bytes.count else { return false }
                let separator = bytes[position]
                position += 1
                if separator == close { return true }
                guard separator == UInt8(ascii: ",") else { return false }
            }
        case UInt8(ascii: "\""):
            return skipString()
        default:
            return value(depth: depth) != nil
        }
    }

    /// Passes over a string (from its opening quote), checking escapes and control characters.
    private mutating func skipString() -> Bool {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { return false }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard hex4(at: position + 2, end: bytes.count) != nil else { return false }
                    position += 6
                default:
                    return false
                }
                continue
            }
            position += 1
        }
        return false
    }

    private mutating func array(depth: Int) -> JSONValue? {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            guard let element = value(depth: depth + 1) else { return nil }
            elements.append(element)
            skipWhitespace()
            guard position < bytes.count else { return nil }
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "]") { return .array(elements) }
            guard separator == UInt8(ascii: ",") else { return nil }
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { return nil }
        for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] {
            return nil
        }
        position += length
        return value
    }

    private mutating func number() -> JSONValue? {
        let start = position
        while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
        guard position > start else { return nil }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return Double(text).map(JSONValue.number)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
             UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }

    /// A string starting at the opening quote. Runs without escapes are decoded in one piece.
    private mutating func string() -> String? {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            position += 1
        }
        return nil
    }

    /// A string with escapes. The closing quote is found first, so the output is allocated once
    /// at its final bound (unescaping only shrinks) and runs between escapes are copied whole:
    /// answers carry a `\n` every line, and a byte-at-a-time append was 14% of a parse run.
    private mutating func escapedString(from start: Int) -> String? {
        var end = position
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard end < bytes.count, let base = bytes.baseAddress else { return nil }
        var valid = true
        let text = String(unsafeUninitializedCapacity: end - start) { out in
            var written = 0
            var index = start
            func copy(_ from: Int, _ to: Int) {
                guard to > from else { return }
                UnsafeMutableRawPointer(out.baseAddress! + written).copyMemory(from: base + from, byteCount: to - from)
                written += to - from
            }
            while index < end {
                var run = index
                while run < end, bytes[run] != UInt8(ascii: "\\"), bytes[run] >= 0x20 { run += 1 }
                copy(index, run)
                index = run
                guard index < end else { break }
                guard bytes[index] == UInt8(ascii: "\\"), index + 1 < end else {
                    valid = false  // A raw control character, or a lone backslash before the quote.
                    return 0
                }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out[written] = escape; written += 1
                case UInt8(ascii: "n"): out[written] = 0x0A; written += 1
                case UInt8(ascii: "t"): out[written] = 0x09; written += 1
                case UInt8(ascii: "r"): out[written] = 0x0D; written += 1
                case UInt8(ascii: "b"): out[written] = 0x08; written += 1
                case UInt8(ascii: "f"): out[written] = 0x0C; written += 1
                case UInt8(ascii: "u"):
                    guard var scalar = hex4(at: index, end: end) else { valid = false; return 0 }
                    index += 4
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by `\u` and a low one.
                        guard index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                              let low = hex4(at: index + 2, end: end), (0xDC00...0xDFFF).contains(low)
                        else { valid = false; return 0 }
                        index += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { valid = false; return 0 }
                    // At most 4 UTF-8 bytes for at least 6 escaped ones: it fits.
                    for byte in UTF8.encode(unicode)! {
                        out[written] = byte
                        written += 1
                    }
                default:
                    valid = false
                    return 0
                }
            }
            return written
        }
        guard valid else { return nil }
        position = end + 1
        return text
    }

    private func hex4(at index: Int, end: Int) -> UInt32? {
        guard index + 4 <= end else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

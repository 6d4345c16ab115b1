import Foundation

/// Picks the top-level `custom_id` out of one JSON line (a request line of `input.jsonl`, a result line
/// of `output.jsonl` / `errors.jsonl`) without building the rest of the object.
///
/// Accounting for 50,000 ids reads three files of up to 200 MB each; decoding every line with Foundation
/// would build every prompt and answer only to drop them. This walks the object's members, skips values
/// by bracket depth (strings found with `memchr`), and decodes only the id. It trusts the line to be JSON
/// (the input was validated; results come from the API) and answers `nil` for anything it cannot follow.
enum CustomIDReader {
    /// The `custom_id` string of the line's top-level object, or nil.
    static func customID(in line: UnsafeRawBufferPointer) -> String? {
        let bytes = line.bindMemory(to: UInt8.self)
        var index = 0
        skipWhitespace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            guard let key = stringRange(bytes, &index) else { return nil }
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace(bytes, &index)
            guard index < bytes.count else { return nil }
            if isCustomIDKey(bytes, key) {
                guard bytes[index] == UInt8(ascii: "\"") else { return nil }
                let start = index
                guard let value = stringRange(bytes, &index) else { return nil }
                return decode(bytes, value, quoted: start..<index)
            }
            guard skipValue(bytes, &index) else { return nil }
            skipWhitespace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D || bytes[index] == 0x0A {
            index += 1
        }
    }

    /// The content range of the string whose `"` is at `index`; leaves `index` after the closing quote.
    private static func stringRange(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Range<Int>? {
        guard let base = bytes.baseAddress else { return nil }
        let start = index + 1
        var cursor = start
        while cursor < bytes.count {
            guard let found = memchr(base + cursor, 0x22, bytes.count - cursor) else { return nil }
            let quote = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var backslashes = 0
            while quote - backslashes - 1 >= start, bytes[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 {
                index = quote + 1
                return start..<quote
            }
            cursor = quote + 1
        }
        return nil
    }

    private static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                guard stringRange(bytes, &index) != nil else { return false }
                if depth == 0 { return true }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return true }
                depth -= 1
                if depth == 0 {
                    index += 1
                    return true
                }
            case UInt8(ascii: ","):
                if depth == 0 { return true }
            default:
                break
            }
            index += 1
        }
        return depth == 0
    }

    private static func isCustomIDKey(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) -> Bool {
        let name: StaticString = "custom_id"
        guard key.count == name.utf8CodeUnitCount else { return false }
        for offset in 0..<key.count where bytes[key.lowerBound + offset] != name.utf8Start[offset] { return false }
        return true
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ content: Range<Int>, quoted: Range<Int>) -> String? {
        let raw = UnsafeBufferPointer(rebasing: bytes[content])
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        // Escapes are rare in ids; Foundation decodes the quoted fragment exactly as JSON says.
        let fragment = Data(UnsafeBufferPointer(rebasing: bytes[quoted]))
        return (try? JSONSerialization.jsonObject(with: fragment, options: .fragmentsAllowed)) as? String
    }
}

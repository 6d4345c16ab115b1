/// Writes JSON bytes straight from a `JSONValue` or piece by piece, without `JSONEncoder` (which cost a
/// quarter of a zero-latency batch's time in the simulator). Strings are escaped per RFC 8259, eight
/// bytes at a time; integral numbers print without a fraction; object keys are sorted unless asked not to.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// Whether objects' members are written in key order (deterministic output) or in the dictionary's.
    public var sortsKeys: Bool

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 1024, sortsKeys: Bool = true) {
        bytes.reserveCapacity(capacity)
        self.sortsKeys = sortsKeys
    }

    /// Appends `value`.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): write(number)
        case .string(let text): write(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            // Sorted pairs, not sorted keys looked up again: one hash less per member.
            let ordered = sortsKeys ? members.sorted(by: { $0.key < $1.key }) : Array(members)
            for (index, member) in ordered.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a string literal, escaped per RFC 8259. Runs of bytes that need no escape (nearly all of
    /// them) are copied in one `append`, found eight bytes at a time; a byte-at-a-time loop cost a
    /// tenth of a zero-latency batch.
    public mutating func write(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                if let base = utf8.baseAddress {
                    while index + 8 <= utf8.count,
                          !JSONScanner.hasSpecialByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                        index += 8
                    }
                }
                guard index < utf8.count else { break }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                let at = index - 1
                if runStart < at { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<at])) }
                runStart = index
                switch byte {
                case UInt8(ascii: "\""): append("\\\"")
                case UInt8(ascii: "\\"): append("\\\\")
                case 0x0A: append("\\n")
                case 0x0D: append("\\r")
                case 0x09: append("\\t")
                default:
                    append("\\u00")
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a number: integral values within ±2^53 without a fraction, NaN and infinities as `null`
    /// (JSON has neither).
    public mutating func write(_ number: Double) {
        if number.isFinite, number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
            append(String(Int64(number)))
        } else if number.isFinite {
            append("\(number)")
        } else {
            append("null")
        }
    }

    /// Appends an integer.
    public mutating func write(_ number: Int) {
        append(String(number))
    }

    /// Appends bytes that are already JSON (a literal piece of a known shape) as they are.
    public mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Ends a line.
    public mutating func newline() { bytes.append(0x0A) }

    /// The bytes written, handed over (the writer is empty after).
    public mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

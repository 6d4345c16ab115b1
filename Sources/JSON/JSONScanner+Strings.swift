extension JSONScanner {
    /// Checks a string whose `"` is at the cursor, moves past it and returns whether it held escapes.
    /// Control characters must be escaped, escapes must be JSON's, and the text must be valid UTF-8.
    @inlinable
    @discardableResult
    public mutating func skipString() throws(Failure) -> Bool {
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

    /// Reads a string whose `"` is at the cursor, decoding escapes.
    @inlinable
    public mutating func readString() throws(Failure) -> String {
        let start = index + 1
        let hadEscapes = try skipString()
        let content = UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
        guard hadEscapes else { return String(decoding: content, as: UTF8.self) }
        return Self.unescape(content)
    }

    /// Skips eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII
    /// (SWAR: the test works on a whole 64-bit word). Prompts are long runs of plain text; this is the hot loop.
    @inlinable @inline(__always)
    mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // A local cursor, stored back once: the compiler otherwise stores `index` to memory on every
        // word, and that store can falsely alias the next load (4K aliasing), about 20% of this loop.
        var cursor = index
        defer { index = cursor }
        while cursor + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte is zero in `quote`/`backslash` where it matched; below 0x20 where it is a control
            // character; any high bit (non-ASCII, or a borrow from one of those) stops the skip.
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word
            if special & highs != 0 { return }
            cursor += 8
        }
    }

    /// Whether any byte of `word` is `"`, `\\` or below 0x20 (exact as a yes/no: the classic
    /// "has a zero byte" and "has a byte less than n" tricks, n ≤ 128). Bytes of 0x80 and above do not count.
    @inlinable @inline(__always)
    static func hasSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highs != 0
    }

    @inlinable
    mutating func skipEscape() throws(Failure) {
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
    @inlinable
    mutating func skipUTF8Sequence() throws(Failure) {
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

    /// Decodes the escapes of string content already checked by `skipString`. The output is allocated
    /// once at its final bound (unescaping only shrinks) and runs between escapes are copied whole:
    /// answers carry a `\n` every line, and a byte-at-a-time append was 14% of a parse run. A lone
    /// surrogate becomes U+FFFD.
    @usableFromInline
    static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String {
        guard let base = content.baseAddress else { return "" }
        return String(unsafeUninitializedCapacity: content.count) { out in
            var written = 0
            var index = 0
            func put(_ byte: UInt8) {
                out[written] = byte
                written += 1
            }
            func hex4(_ at: Int) -> UInt32 {
                (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(content[at + $1]) ?? 0) }
            }
            while index < content.count {
                var run = index
                while run < content.count, content[run] != UInt8(ascii: "\\") { run += 1 }
                if run > index {
                    UnsafeMutableRawPointer(out.baseAddress! + written).copyMemory(from: base + index, byteCount: run - index)
                    written += run - index
                }
                index = run
                guard index < content.count else { break }
                let kind = content[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "b"): put(0x08)
                case UInt8(ascii: "f"): put(0x0C)
                case UInt8(ascii: "n"): put(0x0A)
                case UInt8(ascii: "r"): put(0x0D)
                case UInt8(ascii: "t"): put(0x09)
                case UInt8(ascii: "u"):
                    var value = hex4(index)
                    index += 4
                    if (0xD800...0xDBFF).contains(value), index + 6 <= content.count,
                       content[index] == UInt8(ascii: "\\"), content[index + 1] == UInt8(ascii: "u") {
                        let low = hex4(index + 2)
                        if (0xDC00...0xDFFF).contains(low) {
                            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        }
                    }
                    // At most 4 UTF-8 bytes (3 for U+FFFD) for 6 escaped ones: it fits.
                    for byte in UTF8.encode(Unicode.Scalar(value) ?? "\u{FFFD}")! { put(byte) }
                default: put(kind)
                }
            }
            return written
        }
    }

    @inlinable
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

import Glibc

/// Byte classes and case-insensitive comparison for HTTP's ASCII grammar (RFC 9110 §5.6).
enum HTTPSyntax {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let slash: UInt8 = 0x2F
    static let question: UInt8 = 0x3F
    static let hash: UInt8 = 0x23
    static let percent: UInt8 = 0x25
    static let plus: UInt8 = 0x2B
    static let ampersand: UInt8 = 0x26
    static let asterisk: UInt8 = 0x2A

    /// `tchar`: the characters allowed in a token such as a method or a field name.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        inSet(byte, low: 0x03ff_6cfa_0000_0000, high: 0x57ff_ffff_c7ff_fffe)
    }

    /// The characters of a `Host` value: reg-name (unreserved, pct-encoded, sub-delims), IP-literal
    /// brackets and the port colon (RFC 3986 §3.2.2).
    @inline(__always)
    static func isHostByte(_ byte: UInt8) -> Bool {
        inSet(byte, low: 0x2fff_7ff2_0000_0000, high: 0x47ff_fffe_afff_fffe)
    }

    /// Membership in a set of ASCII bytes given as two 64-bit masks (bytes 0–63 and 64–127).
    @inline(__always)
    private static func inSet(_ byte: UInt8, low: UInt64, high: UInt64) -> Bool {
        if byte < 64 { return (low >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (high >> UInt64(byte - 64)) & 1 == 1 }
        return false
    }

    /// `field-vchar / SP / HTAB`: what may appear in a field value (obs-text included).
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// `VCHAR`: visible ASCII, the only bytes allowed in a request-target.
    @inline(__always)
    static func isVisible(_ byte: UInt8) -> Bool {
        byte >= 0x21 && byte <= 0x7E
    }

    /// `OWS` members.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// The value of a hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// Compares two byte sequences ignoring ASCII case, without allocating.
    @inline(__always)
    static func equalsIgnoringCase<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.startIndex
        var j = b.startIndex
        while i != a.endIndex {
            if lowercased(a[i]) != lowercased(b[j]) { return false }
            a.formIndex(after: &i)
            b.formIndex(after: &j)
        }
        return true
    }

    /// Compares bytes with a lowercase ASCII literal, ignoring the bytes' case.
    @inline(__always)
    static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let expected = literal.utf8Start
        for index in 0..<count where lowercased(bytes[index]) != expected[index] {
            return false
        }
        return true
    }

    /// The bytes of `range`, given relative to `base`, as a buffer of their own.
    @inline(__always)
    static func slice(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        from base: Int
    ) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[(base + range.lowerBound)..<(base + range.upperBound)])
    }

    /// True for the bytes a response head must never carry inside a line.
    @inline(__always)
    static func breaksLine(_ byte: UInt8) -> Bool {
        byte == cr || byte == lf || byte == 0
    }

    /// True when `bytes` begin with exactly the bytes of `literal` (case-sensitive).
    @inline(__always)
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count >= count, let base = bytes.baseAddress else { return count == 0 }
        return memcmp(base, literal.utf8Start, count) == 0
    }

    /// Compares two strings ignoring ASCII case, without allocating.
    @inline(__always)
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let contiguous = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in equalsIgnoringCase(a, b) }
        }
        if let contiguous, let result = contiguous { return result }
        return equalsIgnoringCase(a.utf8, b.utf8)
    }

    /// Calls `body` with each element of a comma-separated list, trimmed of OWS; empty elements are passed too.
    /// Stops early when `body` returns false.
    static func forEachListElement(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        var start = 0
        var index = 0
        let count = bytes.count
        while index <= count {
            if index == count || bytes[index] == comma {
                var lo = start
                var hi = index
                while lo < hi, isWhitespace(bytes[lo]) { lo += 1 }
                while hi > lo, isWhitespace(bytes[hi - 1]) { hi -= 1 }
                if !body(UnsafeBufferPointer(rebasing: bytes[lo..<hi])) { return }
                start = index + 1
            }
            index += 1
        }
    }
}

/// Turns arbitrary text (a `custom_id`, a process or topic name) into one safe path component.
///
/// The result is readable (letters and digits of any script survive), never `.`/`..`, never
/// starts with a dot, contains no `/`, no control characters and no `..`, and is bounded in
/// UTF-8 bytes. Whenever the text had to change, a short hash of the original is appended, so two
/// different inputs only share a name if their hashes collide; callers that need a hard guarantee
/// (the parser) still check for collisions within a run.
public struct FileNameSanitizer: Sendable {
    /// The longest component produced, in UTF-8 bytes (file systems allow 255; extensions,
    /// temporary-name prefixes and collision suffixes need room).
    public let maxBytes: Int

    /// Suffixes a sanitised directory component must not end with, so a directory can never take a
    /// document's name (`docs/a.md/` beside `docs/a.md`).
    public let reservedSuffixes: [String]

    /// Creates a sanitiser.
    public init(maxBytes: Int = 160, reservedSuffixes: [String] = []) {
        precondition(maxBytes >= 32, "maxBytes must leave room for the hash suffix")
        self.maxBytes = maxBytes
        self.reservedSuffixes = reservedSuffixes
    }

    /// The safe component for `text`.
    public func sanitize(_ text: String) -> String {
        if isSafeAsIs(text) { return text }
        var out = String.UnicodeScalarView()
        var changed = false
        var previousWasDot = false
        for scalar in text.unicodeScalars {
            var keep: Unicode.Scalar
            if Self.isSafe(scalar) {
                keep = scalar
            } else {
                keep = "_"
                changed = true
            }
            // A leading dot hides the file, and `..` anywhere is a traversal look-alike.
            if keep == "." && (out.isEmpty || previousWasDot) {
                keep = "_"
                changed = true
            }
            previousWasDot = keep == "."
            out.append(keep)
        }
        var name = String(out)
        if name.isEmpty {
            name = "_"
            changed = true
        }
        if reservedSuffixes.contains(where: { name.hasSuffix($0) }) {
            changed = true
        }
        let limit = maxBytes - Self.suffixBytes
        if name.utf8.count > maxBytes || (changed && name.utf8.count > limit) {
            name = Self.prefix(of: name, maxBytes: limit)
            changed = true
        }
        if changed {
            name += "-" + Self.hash(text)
        }
        return name
    }

    /// The common case, checked on bytes: safe ASCII only, no leading dot, no `..`, short enough.
    private func isSafeAsIs(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxBytes, utf8.first != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        for byte in utf8 {
            guard byte < 0x80, Self.isSafe(Unicode.Scalar(byte)) else { return false }
            if byte == UInt8(ascii: "."), previous == byte { return false }
            previous = byte
        }
        return !reservedSuffixes.contains(where: { text.hasSuffix($0) })
    }

    /// `-` plus eight hex digits.
    static let suffixBytes = 9

    /// Letters and digits of any script, combining marks, and `-`, `_`, `.`, `+`, `@`, `=`, `,`.
    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "+", "@", "=", ",": return true
            default: return false
            }
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// The longest prefix of whole scalars that fits `maxBytes` UTF-8 bytes, without a trailing dot.
    static func prefix(of name: String, maxBytes: Int) -> String {
        var out = String.UnicodeScalarView()
        var bytes = 0
        for scalar in name.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size > maxBytes { break }
            out.append(scalar)
            bytes += size
        }
        return String(out)
    }

    /// FNV-1a 64 folded to 32 bits, as eight hex digits: stable across runs and platforms
    /// (unlike `Hasher`, which is seeded per process).
    public static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        let folded = UInt32(truncatingIfNeeded: value ^ (value >> 32))
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}

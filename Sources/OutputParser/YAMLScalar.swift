/// Spells strings as YAML double-quoted scalars, valid whatever they contain.
enum YAMLScalar {
    /// `"..."` with `\`, `"` and every non-printable character escaped (YAML 1.2 §5.1 printable set).
    static func quoted(_ text: String) -> String {
        // Most ids are plain printable ASCII: no scalar-by-scalar walk for them.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if isPrintable(scalar.value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar.value)
                }
            }
        }
        return out + "\""
    }

    /// `quoted(text)` or `null`.
    static func quoted(_ text: String?) -> String {
        text.map { quoted($0) } ?? "null"
    }

    private static func isPrintable(_ value: UInt32) -> Bool {
        switch value {
        case 0x20...0x7E, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return value != 0xFEFF
        default: return false
        }
    }

    private static func escape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        if value <= 0xFF { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if value <= 0xFFFF { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}

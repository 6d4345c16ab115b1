/// A header value split into its leading value and its `;`-separated parameters, as in
/// `form-data; name="field"; filename="a \"quoted\" name.txt"` (RFC 9110 §5.6.6 and §5.6.4).
///
/// Parameter names are lowercased. Inside a quoted string `\"` and `\\` are unescaped; a backslash before
/// any other character is kept, because browsers send Windows paths such as `C:\dir\a.txt` unescaped.
struct MultipartHeaderValue: Sendable {
    /// The value before the first `;`, trimmed (`form-data`, `multipart/form-data`).
    var value: String
    /// The parameters in order, names lowercased, values unquoted.
    var parameters: [(name: String, value: String)]

    init(parsing text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        var parameters: [(name: String, value: String)] = []

        func isWhitespace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        func string(_ slice: ArraySlice<UInt8>) -> String {
            var start = slice.startIndex
            var end = slice.endIndex
            while start < end, isWhitespace(slice[start]) { start += 1 }
            while end > start, isWhitespace(slice[end - 1]) { end -= 1 }
            return String(decoding: slice[start..<end], as: UTF8.self)
        }

        while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
        value = string(bytes[0..<index])

        while index < bytes.count {
            index += 1  // past ';'
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            let name = string(bytes[nameStart..<index]).lowercased()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                if !name.isEmpty { parameters.append((name, "")) }
                continue
            }
            index += 1  // past '='
            while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
            var parameterValue: String
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                var unquoted: [UInt8] = []
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count,
                        bytes[index + 1] == UInt8(ascii: "\"") || bytes[index + 1] == UInt8(ascii: "\\")
                    {
                        index += 1
                    }
                    unquoted.append(bytes[index])
                    index += 1
                }
                parameterValue = String(decoding: unquoted, as: UTF8.self)
                // Skip the closing quote and anything up to the next ';'.
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            } else {
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
                parameterValue = string(bytes[valueStart..<index])
            }
            if !name.isEmpty { parameters.append((name, parameterValue)) }
        }
        self.parameters = parameters
    }

    /// The first parameter called `name` (lowercase), if any.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Decodes an RFC 8187 (RFC 5987) extended value such as `UTF-8''%e2%82%ac%20rates.txt`.
    ///
    /// Supports the UTF-8 and ISO-8859-1 charsets; returns nil for anything else or malformed input.
    static func decodeExtendedValue(_ text: String) -> String? {
        let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return nil }
        let charset = pieces[0].lowercased()
        var bytes: [UInt8] = []
        var encoded = Array(pieces[2].utf8)[...]
        while let byte = encoded.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard encoded.count >= 2, let high = hexValue(encoded.removeFirst()), let low = hexValue(encoded.removeFirst())
            else { return nil }
            bytes.append(high << 4 | low)
        }
        switch charset {
        case "utf-8": return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default: return nil
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

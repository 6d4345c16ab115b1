import Glibc
import Logging

/// One log record as one line of text:
/// `2026-12-02T13:25:40.123Z info batch-openai.serve: request served method=GET path=/healthz status=200`.
///
/// This is the one place where text reaches the log, so it is the one place that escapes: the message, the label
/// and every metadata key and value go through `appendEscaped`, which writes control characters as `\n`, `\r`,
/// `\t` or `\u001b` (C0, DEL, C1, and the Unicode line and paragraph separators) and a backslash as `\\`. A value
/// that came from a request (a `job_name` holding a newline, an ESC or a NUL) can then neither forge a second line
/// nor send terminal escapes; metadata values with a space, `"` or `=` are quoted, so `key=value` stays parseable.
enum LogLineFormat {
    /// The line of a record, ending in `\n`; metadata is written sorted by key.
    static func line(
        seconds: Int, milliseconds: Int, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata
    ) -> [UInt8] {
        line(seconds: seconds, milliseconds: milliseconds, level: level, label: label, message: message,
             pairs: metadata.map { (key: $0.key, value: $0.value) })
    }

    /// The line of a record whose metadata comes as pairs, in order of precedence: of pairs with the same key the
    /// last one is written. Written sorted by key.
    static func line(
        seconds: Int, milliseconds: Int, level: Logger.Level, label: String, message: String,
        pairs: [(key: String, value: Logger.MetadataValue)]
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(128 + message.utf8.count)
        appendTimestamp(seconds: seconds, milliseconds: milliseconds, into: &line)
        line.append(0x20)
        line.append(contentsOf: level.rawValue.utf8)
        line.append(0x20)
        appendEscaped(label, into: &line)
        line.append(contentsOf: ": ".utf8)
        appendEscaped(message, into: &line)
        if !pairs.isEmpty {
            // A stable sort by key keeps the precedence order among equal keys; the last of each run wins.
            let sorted = pairs.enumerated().sorted { $0.element.key != $1.element.key ? $0.element.key < $1.element.key : $0.offset < $1.offset }
            for (index, pair) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1].element.key != pair.element.key {
                line.append(0x20)
                appendEscaped(pair.element.key, into: &line)
                line.append(UInt8(ascii: "="))
                appendValue(pair.element.value, into: &line)
            }
        }
        line.append(0x0A)
        return line
    }

    /// A metadata value: as it is when it is plain, quoted when it is empty or has a space, `"` or `=`.
    static func appendValue(_ value: Logger.MetadataValue, into line: inout [UInt8]) {
        let text: String
        switch value {
        case .string(let string): text = string
        case .stringConvertible(let convertible): text = convertible.description
        default: text = value.description
        }
        let needsQuotes = text.isEmpty || text.utf8.contains { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D }
        guard needsQuotes else {
            appendEscaped(text, into: &line)
            return
        }
        line.append(0x22)
        appendEscaped(text, quoting: true, into: &line)
        line.append(0x22)
    }

    /// `text` with control characters escaped (and `"` too when `quoting`). Plain ASCII is copied as it is.
    static func appendEscaped(_ text: String, quoting: Bool = false, into line: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x0A: line.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: line.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: line.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x5C: line.append(contentsOf: [0x5C, 0x5C])
                case 0x22 where quoting: line.append(contentsOf: [0x5C, 0x22])
                case 0x00..<0x20, 0x7F: appendUnicodeEscape(UInt32(byte), into: &line)
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    // A C1 control (U+0080–U+009F): CSI (U+009B) acts as ESC [ on many terminals.
                    appendUnicodeEscape(UInt32(bytes[index + 1]), into: &line)
                    index += 1
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    // U+2028 and U+2029 end a line for some log viewers.
                    appendUnicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, into: &line)
                    index += 2
                default: line.append(byte)
                }
                index += 1
            }
        }
    }

    private static func appendUnicodeEscape(_ scalar: UInt32, into line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        line.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { line.append(hex[Int((scalar >> UInt32(shift)) & 0xF)]) }
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, UTC, written digit by digit (no formatter, no locale).
    static func appendTimestamp(seconds: Int, milliseconds: Int, into line: inout [UInt8]) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var value = value
            while divisor > 0 {
                line.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                value %= divisor
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4); line.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2); line.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2); line.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2); line.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2); line.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2); line.append(UInt8(ascii: "."))
        digits(milliseconds, 3); line.append(UInt8(ascii: "Z"))
    }
}

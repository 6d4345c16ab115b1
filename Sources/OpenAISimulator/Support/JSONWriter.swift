import OpenAIClient

/// Writes JSON bytes straight from a `JSONValue` and the result-line shape, without `JSONEncoder`
/// (which cost a quarter of a zero-latency batch's time). Object keys are sorted, so output is
/// deterministic; strings are escaped per RFC 8259; integral numbers print without a fraction.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
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
            for (index, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// A string literal, escaped per RFC 8259. Runs of bytes that need no escape (nearly all of
    /// them) are copied in one `append`, found eight bytes at a time; a byte-at-a-time loop cost a
    /// tenth of a zero-latency batch.
    mutating func write(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                // Eight bytes at a time past those that need no escape (the reader's test).
                if let base = utf8.baseAddress {
                    while index + 8 <= utf8.count,
                          !JSONReader.hasSpecialByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
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

    /// One result line (reference §7): `id`, `custom_id`, `response`, `error`, all four present.
    static func resultLine(id: String, customID: String, response: BatchResultLine.Response?, error: BatchResultLine.Failure?) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.writeResultLine(id: id, customID: customID, response: response, error: error)
        return writer.bytes
    }

    /// `resultLine(id:customID:response:error:)` appended to what this writer holds.
    mutating func writeResultLine(id: String, customID: String, response: BatchResultLine.Response?, error: BatchResultLine.Failure?) {
        append("{\"id\":")
        write(id)
        append(",\"custom_id\":")
        write(customID)
        append(",\"response\":")
        if let response {
            append("{\"status_code\":")
            append(String(response.statusCode))
            append(",\"request_id\":")
            write(response.requestID)
            append(",\"body\":")
            write(response.body)
            append("}")
        } else {
            append("null")
        }
        append(",\"error\":")
        if let error {
            append("{\"code\":")
            write(error.code)
            append(",\"message\":")
            write(error.message)
            append("}")
        } else {
            append("null")
        }
        append("}")
    }

    /// A successful result line whose response body `writeBody` writes: the same bytes as
    /// `resultLine(id:customID:response:error:)` with that body, without a `JSONValue` of it.
    static func resultLine(id: String, customID: String, statusCode: Int, requestID: String, writeBody: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 2048)
        writer.writeResultLine(id: id, customID: customID, statusCode: statusCode, requestID: requestID, writeBody: writeBody)
        return writer.bytes
    }

    /// `resultLine(id:customID:statusCode:requestID:writeBody:)` appended to what this writer holds.
    mutating func writeResultLine(id: String, customID: String, statusCode: Int, requestID: String, writeBody: (inout JSONWriter) -> Void) {
        append("{\"id\":")
        write(id)
        append(",\"custom_id\":")
        write(customID)
        append(",\"response\":{\"status_code\":")
        append(String(statusCode))
        append(",\"request_id\":")
        write(requestID)
        append(",\"body\":")
        writeBody(&self)
        append("},\"error\":null}")
    }

    /// Ends a line.
    mutating func newline() { bytes.append(0x0A) }

    /// The bytes written, handed over (the writer is empty after).
    mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    private mutating func writeNumber(_ number: Double) {
        if number.isFinite, number.rounded() == number, abs(number) < 9_007_199_254_740_992 {
            append(String(Int64(number)))
        } else if number.isFinite {
            append("\(number)")
        } else {
            append("null")  // JSON has no NaN or infinity
        }
    }

    /// Bytes already JSON (a literal piece of a known shape), appended as they are.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

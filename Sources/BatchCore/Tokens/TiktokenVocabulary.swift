/// Reads a `.tiktoken` vocabulary: one token a line, `base64(token bytes) rank`, as tiktoken and
/// bpe-openai ship them. Pure: the bytes come from the caller (BatchService reads the file).
enum TiktokenVocabulary {
    /// The table of every token of `bytes`; throws on the first line that is not a vocabulary line.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(BPEEncodingError) -> TokenRankTable {
        let text = bytes.bindMemory(to: UInt8.self)
        // Lines are ~18 bytes in both shipped vocabularies; a rough count sizes the table once.
        var table = TokenRankTable(capacity: max(256, text.count / 16))
        var decoded = [UInt8](repeating: 0, count: 256)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < text.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var end = lineEnd
            if end > lineStart, text[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end == lineStart { continue }
            var space = end - 1
            while space > lineStart, text[space] != UInt8(ascii: " ") { space -= 1 }
            guard text[space] == UInt8(ascii: " "), space > lineStart, space + 1 < end else {
                throw .corruptLine(lineNumber, "expected a base64 token, a space and a rank")
            }
            var rank: UInt64 = 0
            for index in (space + 1)..<end {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10, rank < UInt64(UInt32.max) / 10 else {
                    throw .corruptLine(lineNumber, "the rank is not a number below 2^32")
                }
                rank = rank * 10 + UInt64(digit)
            }
            let length = try decodeBase64(UnsafeBufferPointer(rebasing: text[lineStart..<space]), into: &decoded, line: lineNumber)
            let added = decoded.withUnsafeBufferPointer { table.insert(UnsafeBufferPointer(rebasing: $0[0..<length]), rank: UInt32(rank)) }
            guard added else { throw .corruptLine(lineNumber, "the token appears twice") }
        }
        guard table.count > 0 else { throw .empty }
        for byte in 0...UInt8.max where [byte].withUnsafeBufferPointer({ table.rank(of: $0.baseAddress!, count: 1) }) == nil {
            throw .missingByte(byte)
        }
        return table
    }

    /// Decodes standard base64 (with `=` padding) into `output`, growing it when needed; returns the length.
    private static func decodeBase64(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], line: Int) throws(BPEEncodingError) -> Int {
        guard input.count % 4 == 0, !input.isEmpty else { throw .corruptLine(line, "the token is not base64") }
        if output.count < input.count { output = [UInt8](repeating: 0, count: input.count) }
        var length = 0
        var index = 0
        while index < input.count {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if byte == UInt8(ascii: "=") && index + 4 == input.count && offset >= 2 {
                    padding += 1
                    group <<= 6
                    continue
                }
                guard padding == 0, let value = sextet(byte) else { throw .corruptLine(line, "the token is not base64") }
                group = group << 6 | UInt32(value)
            }
            output[length] = UInt8(truncatingIfNeeded: group >> 16)
            output[length + 1] = UInt8(truncatingIfNeeded: group >> 8)
            output[length + 2] = UInt8(truncatingIfNeeded: group)
            length += 3 - padding
            index += 4
        }
        return length
    }

    @inline(__always)
    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

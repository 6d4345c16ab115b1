/// Reading a chunked body (RFC 9112 §7.1): size lines, the CRLF after data, trailers.
/// Line ends must be CRLF here; a bare LF is rejected so no two parsers can disagree on framing.
extension RequestParser {
    /// Fields that must not come from a trailer (RFC 9110 §6.5.1): framing, routing, request
    /// modifiers, authentication and content metadata. They are dropped, not rejected.
    static let forbiddenTrailers: [StaticString] = [
        "content-length", "transfer-encoding", "host", "trailer", "te", "connection", "keep-alive",
        "upgrade", "expect", "max-forwards", "cache-control", "pragma", "range", "if-match",
        "if-none-match", "if-modified-since", "if-unmodified-since", "if-range", "authorization",
        "proxy-authorization", "cookie", "set-cookie", "content-encoding", "content-type",
        "content-range",
    ]

    /// The size from a complete chunk-size line, or nil when the line is not complete yet.
    mutating func readChunkSizeLine() throws(HTTPParseError) -> Int64? {
        let storage = buffer
        return try storage.withUnsafeBufferPointer { bytes throws(HTTPParseError) -> Int64? in
            guard let lineFeed = Self.firstLineFeed(in: bytes, from: readIndex) else {
                var pending = bytes.count - readIndex
                if pending > 0, bytes[bytes.count - 1] == HTTPSyntax.cr { pending -= 1 }
                if pending > limits.maxChunkLineBytes {
                    throw .badRequest("chunk-size line over \(limits.maxChunkLineBytes) bytes")
                }
                var digits = 0
                while readIndex + digits < bytes.count, HTTPSyntax.hexValue(bytes[readIndex + digits]) != nil {
                    digits += 1
                }
                if digits > limits.maxChunkSizeDigits {
                    throw .badRequest("chunk size over \(limits.maxChunkSizeDigits) digits")
                }
                return nil
            }
            guard lineFeed > readIndex, bytes[lineFeed - 1] == HTTPSyntax.cr else {
                throw .badRequest("chunk-size line not ended by CRLF")
            }
            let line = UnsafeBufferPointer(rebasing: bytes[readIndex..<(lineFeed - 1)])
            guard line.count <= limits.maxChunkLineBytes else {
                throw .badRequest("chunk-size line over \(limits.maxChunkLineBytes) bytes")
            }
            let size = try Self.parseChunkSizeLine(line, maxDigits: limits.maxChunkSizeDigits)
            readIndex = lineFeed + 1
            return size
        }
    }

    /// `chunk-size [ chunk-ext ]` where `chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )`;
    /// extensions are validated and skipped.
    static func parseChunkSizeLine(
        _ line: UnsafeBufferPointer<UInt8>,
        maxDigits: Int
    ) throws(HTTPParseError) -> Int64 {
        var index = 0
        var size: Int64 = 0
        while index < line.count, let digit = HTTPSyntax.hexValue(line[index]) {
            guard index < maxDigits else {
                throw .badRequest("chunk size over \(maxDigits) digits")
            }
            let (shifted, overflow1) = size.multipliedReportingOverflow(by: 16)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else {
                throw .badRequest("chunk size overflows")
            }
            size = sum
            index += 1
        }
        guard index > 0 else {
            throw .badRequest("chunk size is not hexadecimal")
        }
        while index < line.count {
            while index < line.count, HTTPSyntax.isWhitespace(line[index]) { index += 1 }
            guard index < line.count, line[index] == HTTPSyntax.semicolon else {
                throw .badRequest("malformed chunk extension")
            }
            index += 1
            while index < line.count, HTTPSyntax.isWhitespace(line[index]) { index += 1 }
            let nameStart = index
            while index < line.count, HTTPSyntax.isTokenByte(line[index]) { index += 1 }
            guard index > nameStart else {
                throw .badRequest("chunk extension name is not a token")
            }
            var afterName = index
            while afterName < line.count, HTTPSyntax.isWhitespace(line[afterName]) { afterName += 1 }
            guard afterName < line.count, line[afterName] == HTTPSyntax.equals else { continue }
            index = afterName + 1
            while index < line.count, HTTPSyntax.isWhitespace(line[index]) { index += 1 }
            guard index < line.count else {
                throw .badRequest("chunk extension without value after =")
            }
            if line[index] == HTTPSyntax.quote {
                index = try skipQuotedString(line, from: index)
            } else {
                let valueStart = index
                while index < line.count, HTTPSyntax.isTokenByte(line[index]) { index += 1 }
                guard index > valueStart else {
                    throw .badRequest("chunk extension value is not a token")
                }
            }
        }
        return size
    }

    /// The index just past the quoted-string starting at `start` (RFC 9110 §5.6.4).
    private static func skipQuotedString(
        _ line: UnsafeBufferPointer<UInt8>,
        from start: Int
    ) throws(HTTPParseError) -> Int {
        var index = start + 1
        while index < line.count {
            let byte = line[index]
            if byte == HTTPSyntax.quote {
                return index + 1
            }
            if byte == HTTPSyntax.backslash {
                guard index + 1 < line.count, HTTPSyntax.isFieldValueByte(line[index + 1]) else {
                    throw .badRequest("malformed quoted-pair in chunk extension")
                }
                index += 2
                continue
            }
            guard HTTPSyntax.isFieldValueByte(byte) else {
                throw .badRequest("control character in chunk extension")
            }
            index += 1
        }
        throw .badRequest("unterminated quoted-string in chunk extension")
    }

    /// Consumes the CRLF after chunk data; false when it has not fully arrived.
    mutating func readChunkDataEnd() throws(HTTPParseError) -> Bool {
        let available = buffer.count - readIndex
        guard available > 0 else { return false }
        guard buffer[readIndex] == HTTPSyntax.cr else {
            throw .badRequest("chunk data not followed by CRLF")
        }
        guard available > 1 else { return false }
        guard buffer[readIndex + 1] == HTTPSyntax.lf else {
            throw .badRequest("chunk data not followed by CRLF")
        }
        readIndex += 2
        return true
    }

    /// The trailer fields once the section and its empty line are complete, else nil.
    mutating func readTrailers() throws(HTTPParseError) -> HTTPHeaders? {
        let storage = buffer
        return try storage.withUnsafeBufferPointer { bytes throws(HTTPParseError) -> HTTPHeaders? in
            guard let end = try scanSection(bytes, isTrailer: true) else { return nil }
            var trailers = HTTPHeaders()
            for field in scan.fields {
                let name = HTTPSyntax.slice(bytes, field.name, from: readIndex)
                guard !Self.forbiddenTrailers.contains(where: { HTTPSyntax.equalsLowercased(name, $0) }) else {
                    continue
                }
                let value = HTTPSyntax.slice(bytes, field.value, from: readIndex)
                trailers.add(
                    name: String(decoding: name, as: UTF8.self),
                    value: String(decoding: value, as: UTF8.self)
                )
            }
            readIndex += end
            scan.reset()
            return trailers
        }
    }
}

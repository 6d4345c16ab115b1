/// The headers of one part of a multipart/form-data body, with its Content-Disposition already read.
public struct MultipartPartHeaders: Sendable {
    /// The form field name (`name=` of `Content-Disposition: form-data`).
    public var name: String
    /// The client's file name, from `filename*=` (RFC 5987, preferred) or `filename=`. For display only: never a path.
    public var filename: String?
    /// The part's Content-Type, if it had one.
    public var contentType: String?
    /// Every header line of the part, in order, names as sent.
    public var fields: [(name: String, value: String)]

    /// Creates part headers from their parts.
    public init(name: String, filename: String? = nil, contentType: String? = nil, fields: [(name: String, value: String)] = []) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.fields = fields
    }

    /// The value of the first header called `name` (case-insensitive).
    public func field(_ name: String) -> String? {
        let lowercased = name.lowercased()
        return fields.first { $0.name.lowercased() == lowercased }?.value
    }
}

extension MultipartPartHeaders {
    /// Parses a part's header block: the lines between the delimiter line and the blank line, CRLF-separated.
    init(parsing block: ArraySlice<UInt8>) throws {
        var fields: [(name: String, value: String)] = []
        var lineStart = block.startIndex
        while lineStart < block.endIndex {
            var lineEnd = lineStart
            while lineEnd < block.endIndex, block[lineEnd] != UInt8(ascii: "\r") { lineEnd += 1 }
            let line = block[lineStart..<lineEnd]
            if lineEnd < block.endIndex {
                guard lineEnd + 1 < block.endIndex, block[lineEnd + 1] == UInt8(ascii: "\n") else {
                    throw MultipartError.malformedPartHeaders.with(detail: "bare CR")
                }
                lineStart = lineEnd + 2
            } else {
                lineStart = lineEnd
            }
            try Self.append(line: line, to: &fields)
        }

        guard let disposition = fields.first(where: { $0.name.lowercased() == "content-disposition" }) else {
            throw MultipartError.missingContentDisposition
        }
        let parsed = MultipartHeaderValue(parsing: disposition.value)
        guard parsed.value.lowercased() == "form-data", let name = parsed.parameter("name") else {
            throw MultipartError.missingContentDisposition.with(detail: disposition.value)
        }
        let filename = parsed.parameter("filename*").flatMap(MultipartHeaderValue.decodeExtendedValue) ?? parsed.parameter("filename")
        let contentType = fields.first { $0.name.lowercased() == "content-type" }?.value
        self.init(name: name, filename: filename, contentType: contentType, fields: fields)
    }

    private static func append(line: ArraySlice<UInt8>, to fields: inout [(name: String, value: String)]) throws {
        guard let first = line.first else {
            throw MultipartError.malformedPartHeaders.with(detail: "empty line")
        }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Obsolete line folding: the line continues the previous field's value.
            guard !fields.isEmpty else { throw MultipartError.malformedPartHeaders.with(detail: "folded first line") }
            fields[fields.count - 1].value += " " + decode(trimmed(line))
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw MultipartError.malformedPartHeaders.with(detail: "missing ':'")
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(isTokenCharacter) else {
            throw MultipartError.malformedPartHeaders.with(detail: "invalid field name")
        }
        fields.append((decode(name), decode(trimmed(line[(colon + 1)...]))))
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return bytes[start..<end]
    }

    /// UTF-8 when valid (what browsers send), otherwise ISO-8859-1 so no byte is lost.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        if let string = String(validating: bytes, as: UTF8.self) { return string }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

import TestSupport
@testable import HTTPServer

/// Builds multipart/form-data bodies for tests.
struct MultipartBody {
    /// One part to put in a body.
    struct Part {
        var headers: [String]
        var data: [UInt8]

        /// A text field.
        static func field(_ name: String, _ value: String) -> Part {
            Part(headers: ["Content-Disposition: form-data; name=\"\(name)\""], data: Array(value.utf8))
        }

        /// A file part.
        static func file(_ name: String, filename: String, contentType: String = "application/octet-stream", data: [UInt8]) -> Part {
            Part(
                headers: [
                    "Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"",
                    "Content-Type: \(contentType)",
                ],
                data: data
            )
        }
    }

    /// The body bytes: optional preamble, each part, the closing delimiter, optional epilogue.
    static func make(
        boundary: String = "XyZ-boundary-123",
        parts: [Part],
        preamble: String = "",
        epilogue: String = "",
        close: Bool = true
    ) -> [UInt8] {
        var body = Array(preamble.utf8)
        for part in parts {
            body += Array("--\(boundary)\r\n".utf8)
            for header in part.headers { body += Array("\(header)\r\n".utf8) }
            body += Array("\r\n".utf8)
            body += part.data
            body += Array("\r\n".utf8)
        }
        if close { body += Array("--\(boundary)--\r\n".utf8) }
        body += Array(epilogue.utf8)
        return body
    }
}

/// A part as the parser reported it, with its data joined.
struct ParsedPart: Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var data: [UInt8]
}

/// Everything the parser reported for a body.
struct ParseResult: Equatable {
    var parts: [ParsedPart] = []
    var ended = false
    var dataEventCount = 0

    static func == (lhs: ParseResult, rhs: ParseResult) -> Bool {
        lhs.parts == rhs.parts && lhs.ended == rhs.ended
    }

    /// Feeds `chunks` to a fresh parser and collects its events; checks their order on the way.
    static func parse(_ chunks: [[UInt8]], boundary: String = "XyZ-boundary-123", limits: MultipartLimits = MultipartLimits(), finish: Bool = true) throws -> ParseResult {
        var parser = try MultipartParser(boundary: boundary, limits: limits)
        var result = ParseResult()
        var inPart = false
        for chunk in chunks {
            for event in try parser.feed(chunk) {
                precondition(!result.ended, "event after .end")
                switch event {
                case .partBegin(let headers):
                    precondition(!inPart, "partBegin inside a part")
                    inPart = true
                    result.parts.append(ParsedPart(name: headers.name, filename: headers.filename, contentType: headers.contentType, data: []))
                case .partData(let bytes):
                    precondition(inPart && !bytes.isEmpty, "partData outside a part or empty")
                    result.parts[result.parts.count - 1].data += bytes
                    result.dataEventCount += 1
                case .partEnd:
                    precondition(inPart, "partEnd outside a part")
                    inPart = false
                case .end:
                    precondition(!inPart, "end inside a part")
                    result.ended = true
                }
            }
        }
        if finish { try parser.finish() }
        return result
    }
}

extension Array where Element == UInt8 {
    /// The array cut into chunks of the given sizes (cycled).
    func chunked(_ sizes: [Int]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var start = 0
        var index = 0
        while start < count {
            let end = Swift.min(count, start + Swift.max(1, sizes[index % sizes.count]))
            result.append(Array(self[start..<end]))
            start = end
            index += 1
        }
        return result
    }
}

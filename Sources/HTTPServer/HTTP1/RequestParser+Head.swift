/// Reading the request line and header section (RFC 9112 §2–6).
extension RequestParser {
    /// The facts framing and connection handling need, gathered while the fields are validated.
    struct FieldFacts {
        var hostCount = 0
        var contentLength: Int64?
        var transferEncodingSeen = false
        var transferCodings = 0
        var lastCodingIsChunked = false
        var chunkedCount = 0
        var otherCodingSeen = false
        var connectionClose = false
        var connectionKeepAlive = false
        var expectsContinue = false
        var unsupportedExpectation = false
    }

    mutating func readHead() throws(HTTPParseError) -> ParserEvent? {
        if scan.scanOffset == 0 {
            // RFC 9112 §2.2: ignore empty lines received before the request line.
            while readIndex < buffer.count {
                let byte = buffer[readIndex]
                if byte == HTTPSyntax.lf {
                    readIndex += 1
                } else if byte == HTTPSyntax.cr {
                    guard readIndex + 1 < buffer.count else { return nil }
                    guard buffer[readIndex + 1] == HTTPSyntax.lf else { break }
                    readIndex += 2
                } else {
                    break
                }
            }
            guard readIndex < buffer.count else { return nil }
        }
        let storage = buffer
        return try storage.withUnsafeBufferPointer { bytes throws(HTTPParseError) -> ParserEvent? in
            guard let end = try scanSection(bytes, isTrailer: false) else { return nil }
            let head = try parseHead(bytes)
            switch head.framing {
            case .contentLength(let length) where length > limits.maxBodyBytes:
                throw .contentTooLarge("Content-Length \(length) over \(limits.maxBodyBytes) bytes")
            case .none, .contentLength(0):
                state = .endOfMessage
            case .contentLength(let length):
                state = .contentLength(remaining: length)
            case .chunked:
                chunkedBodyBytes = 0
                state = .chunkSize
            }
            readIndex += end
            scan.reset()
            return .head(head)
        }
    }

    /// Completes the head from the request line and field lines `scanSection` validated.
    private func parseHead(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestHead {
        guard var head = scan.requestHead else {
            throw .badRequest("missing request line")
        }
        let base = readIndex
        var facts = FieldFacts()
        var headers = HTTPHeaders()
        headers.reserveCapacity(scan.fields.count)
        for field in scan.fields {
            let name = HTTPSyntax.slice(bytes, field.name, from: base)
            let value = HTTPSyntax.slice(bytes, field.value, from: base)
            try Self.noteField(name: name, value: value, into: &facts)
            headers.add(
                name: String(decoding: name, as: UTF8.self),
                value: String(decoding: value, as: UTF8.self)
            )
        }
        head.headers = headers

        let isHTTP11 = head.version.minor >= 1
        if facts.hostCount > 1 {
            throw .badRequest("more than one Host header")
        }
        if isHTTP11 && facts.hostCount == 0 {
            throw .badRequest("HTTP/1.1 request without Host header")
        }
        if facts.transferEncodingSeen {
            guard isHTTP11 else {
                throw .badRequest("Transfer-Encoding in an HTTP/1.0 request")
            }
            guard facts.contentLength == nil else {
                throw .badRequest("both Content-Length and Transfer-Encoding")
            }
            guard facts.transferCodings > 0, facts.lastCodingIsChunked, facts.chunkedCount == 1 else {
                throw .badRequest("Transfer-Encoding does not end with a single chunked")
            }
            guard !facts.otherCodingSeen else {
                throw .notImplemented("unsupported transfer coding")
            }
            head.framing = .chunked
        } else if let length = facts.contentLength {
            head.framing = .contentLength(length)
        } else {
            head.framing = .none
        }
        if facts.unsupportedExpectation {
            throw .expectationFailed("Expect other than 100-continue")
        }
        head.expectsContinue = isHTTP11 && facts.expectsContinue
        head.keepAlive = isHTTP11 ? !facts.connectionClose : facts.connectionKeepAlive && !facts.connectionClose
        return head
    }

    /// `method SP request-target SP HTTP-version`, single spaces only.
    static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> RequestHead {
        guard let firstSpace = line.firstIndex(of: HTTPSyntax.space) else {
            throw .badRequest("request line without spaces")
        }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        guard !methodBytes.isEmpty, methodBytes.allSatisfy({ HTTPSyntax.isTokenByte($0) }) else {
            throw .badRequest("method is not a token")
        }
        guard let secondSpace = line[(firstSpace + 1)...].firstIndex(of: HTTPSyntax.space) else {
            throw .badRequest("request line without version")
        }
        let targetBytes = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        guard !targetBytes.isEmpty else {
            throw .badRequest("empty request-target")
        }
        let version = try parseVersion(UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...]))
        let method = HTTPMethod.from(methodBytes)
        var head = RequestHead(method: method, target: "", path: "", pathSegments: [], version: version)
        try parseTarget(targetBytes, method: method, into: &head)
        return head
    }

    /// `HTTP/x.y` with single digits: 1.x is served (1.2 and later as 1.1, RFC 9110 §2.5); any other
    /// major is `505`; anything else is `400`.
    static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, HTTPSyntax.hasPrefix(bytes, "HTTP/"), bytes[6] == UInt8(ascii: "."),
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else {
            throw .badRequest("malformed HTTP version")
        }
        let major = Int(bytes[5] - 0x30)
        let minor = Int(bytes[7] - 0x30)
        guard major == 1 else {
            throw .versionNotSupported("HTTP/\(major).\(minor) is not supported")
        }
        return minor == 0 ? .http1_0 : minor == 1 ? .http1_1 : HTTPVersion(major: 1, minor: minor)
    }

    /// Origin-form, absolute-form (reduced to its path) or asterisk-form (OPTIONS only).
    static func parseTarget(
        _ target: UnsafeBufferPointer<UInt8>,
        method: HTTPMethod,
        into head: inout RequestHead
    ) throws(HTTPParseError) {
        guard target.allSatisfy({ HTTPSyntax.isVisible($0) }) else {
            throw .badRequest("request-target contains bytes outside visible ASCII")
        }
        head.target = String(decoding: target, as: UTF8.self)
        var pathStart: Int
        if target[0] == HTTPSyntax.slash {
            pathStart = 0
        } else if target.count == 1, target[0] == HTTPSyntax.asterisk {
            guard method == .options else {
                throw .badRequest("asterisk-form request-target is only allowed with OPTIONS")
            }
            head.path = "*"
            head.pathSegments = []
            return
        } else if let authorityStart = absoluteFormAuthorityStart(target) {
            var index = authorityStart
            while index < target.count, target[index] != HTTPSyntax.slash, target[index] != HTTPSyntax.question,
                target[index] != HTTPSyntax.hash
            {
                index += 1
            }
            guard index > authorityStart else {
                throw .badRequest("absolute-form request-target without host")
            }
            pathStart = index
        } else {
            throw .badRequest("request-target is neither origin-form nor absolute-form")
        }

        var pathEnd = pathStart
        while pathEnd < target.count, target[pathEnd] != HTTPSyntax.question, target[pathEnd] != HTTPSyntax.hash {
            pathEnd += 1
        }
        let rawPath = UnsafeBufferPointer(rebasing: target[pathStart..<pathEnd])
        if rawPath.isEmpty {
            head.path = "/"
            head.pathSegments = []
        } else {
            head.path = try PercentDecoding.decode(rawPath, plusAsSpace: false)
            head.pathSegments = try pathSegments(rawPath)
        }

        if pathEnd < target.count, target[pathEnd] == HTTPSyntax.question {
            var queryEnd = pathEnd + 1
            while queryEnd < target.count, target[queryEnd] != HTTPSyntax.hash { queryEnd += 1 }
            let rawQuery = UnsafeBufferPointer(rebasing: target[(pathEnd + 1)..<queryEnd])
            head.query = String(decoding: rawQuery, as: UTF8.self)
            head.queryItems = try queryItems(rawQuery)
        }
    }

    /// Where the authority starts when `target` begins with `http://` or `https://` (any case).
    private static func absoluteFormAuthorityStart(_ target: UnsafeBufferPointer<UInt8>) -> Int? {
        if target.count >= 7, HTTPSyntax.equalsIgnoringCase(target[0..<7], "http://".utf8) { return 7 }
        if target.count >= 8, HTTPSyntax.equalsIgnoringCase(target[0..<8], "https://".utf8) { return 8 }
        return nil
    }

    /// Splits the raw path on `/` first, then decodes each non-empty segment.
    private static func pathSegments(_ rawPath: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> [String] {
        var segments: [String] = []
        var start = 0
        for index in 0...rawPath.count where index == rawPath.count || rawPath[index] == HTTPSyntax.slash {
            if index > start {
                let segment = UnsafeBufferPointer(rebasing: rawPath[start..<index])
                segments.append(try PercentDecoding.decode(segment, plusAsSpace: false))
            }
            start = index + 1
        }
        return segments
    }

    /// `name=value` pairs separated by `&`, form-decoded; a pair without `=` has an empty value.
    private static func queryItems(
        _ rawQuery: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        var start = 0
        for index in 0...rawQuery.count where index == rawQuery.count || rawQuery[index] == HTTPSyntax.ampersand {
            if index > start {
                let pair = UnsafeBufferPointer(rebasing: rawQuery[start..<index])
                let equals = pair.firstIndex(of: HTTPSyntax.equals) ?? pair.count
                let name = try PercentDecoding.decode(UnsafeBufferPointer(rebasing: pair[..<equals]), plusAsSpace: true)
                let value =
                    equals < pair.count
                    ? try PercentDecoding.decode(UnsafeBufferPointer(rebasing: pair[(equals + 1)...]), plusAsSpace: true)
                    : ""
                items.append((name: name, value: value))
            }
            start = index + 1
        }
        return items
    }

    /// Validates a field line `name: value`; returns where the name ends (at the colon) and where
    /// the value lies once trimmed of OWS, as indices into `line`.
    static func splitField(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (nameEnd: Int, value: Range<Int>) {
        guard !HTTPSyntax.isWhitespace(line[0]) else {
            throw .badRequest("obsolete line folding or leading whitespace in a field line")
        }
        var colon = 0
        while colon < line.count, HTTPSyntax.isTokenByte(line[colon]) { colon += 1 }
        guard colon < line.count, line[colon] == HTTPSyntax.colon else {
            if colon < line.count, HTTPSyntax.isWhitespace(line[colon]) {
                throw .badRequest("whitespace between field name and colon")
            }
            throw .badRequest(colon == line.count ? "field line without colon" : "field name is not a token")
        }
        guard colon > 0 else {
            throw .badRequest("empty field name")
        }
        var lower = colon + 1
        var upper = line.count
        while lower < upper, HTTPSyntax.isWhitespace(line[lower]) { lower += 1 }
        while upper > lower, HTTPSyntax.isWhitespace(line[upper - 1]) { upper -= 1 }
        for index in lower..<upper where !HTTPSyntax.isFieldValueByte(line[index]) {
            let byte = line[index]
            throw .badRequest(
                byte == HTTPSyntax.cr || byte == HTTPSyntax.lf || byte == 0
                    ? "CR, LF or NUL in a field value" : "control character in a field value"
            )
        }
        return (colon, lower..<upper)
    }

    /// Records what framing, connection handling and expectations need from one field.
    private static func noteField(
        name: UnsafeBufferPointer<UInt8>,
        value: UnsafeBufferPointer<UInt8>,
        into facts: inout FieldFacts
    ) throws(HTTPParseError) {
        switch name.count {
        case 4 where HTTPSyntax.equalsLowercased(name, "host"):
            facts.hostCount += 1
            guard value.allSatisfy({ HTTPSyntax.isHostByte($0) }) else {
                throw .badRequest("invalid Host value")
            }
        case 6 where HTTPSyntax.equalsLowercased(name, "expect"):
            if HTTPSyntax.equalsLowercased(value, "100-continue") {
                facts.expectsContinue = true
            } else {
                facts.unsupportedExpectation = true
            }
        case 10 where HTTPSyntax.equalsLowercased(name, "connection"):
            HTTPSyntax.forEachListElement(value) { option in
                if HTTPSyntax.equalsLowercased(option, "close") {
                    facts.connectionClose = true
                } else if HTTPSyntax.equalsLowercased(option, "keep-alive") {
                    facts.connectionKeepAlive = true
                }
                return true
            }
        case 14 where HTTPSyntax.equalsLowercased(name, "content-length"):
            try noteContentLength(value, into: &facts)
        case 17 where HTTPSyntax.equalsLowercased(name, "transfer-encoding"):
            try noteTransferEncoding(value, into: &facts)
        default:
            break
        }
    }

    /// Digits only; a list of identical values counts as one (RFC 9110 §8.6); any disagreement is `400`.
    private static func noteContentLength(
        _ value: UnsafeBufferPointer<UInt8>,
        into facts: inout FieldFacts
    ) throws(HTTPParseError) {
        var failure: HTTPParseError?
        var agreed = facts.contentLength
        HTTPSyntax.forEachListElement(value) { element in
            guard !element.isEmpty else {
                failure = .badRequest("empty Content-Length")
                return false
            }
            var length: Int64 = 0
            for byte in element {
                guard byte >= 0x30 && byte <= 0x39 else {
                    failure = .badRequest("Content-Length is not digits only")
                    return false
                }
                let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int64(byte - 0x30))
                guard !overflow1 && !overflow2 else {
                    failure = .badRequest("Content-Length overflows")
                    return false
                }
                length = sum
            }
            if let previous = agreed, previous != length {
                failure = .badRequest("conflicting Content-Length values")
                return false
            }
            agreed = length
            return true
        }
        if let failure { throw failure }
        facts.contentLength = agreed
    }

    /// Collects the transfer codings in order across all Transfer-Encoding fields.
    private static func noteTransferEncoding(
        _ value: UnsafeBufferPointer<UInt8>,
        into facts: inout FieldFacts
    ) throws(HTTPParseError) {
        facts.transferEncodingSeen = true
        var failure: HTTPParseError?
        HTTPSyntax.forEachListElement(value) { element in
            guard !element.isEmpty else { return true }  // empty list elements are ignored (RFC 9110 §5.6.1)
            var nameEnd = 0
            while nameEnd < element.count, HTTPSyntax.isTokenByte(element[nameEnd]) { nameEnd += 1 }
            guard nameEnd > 0 else {
                failure = .badRequest("transfer coding is not a token")
                return false
            }
            let coding = UnsafeBufferPointer(rebasing: element[..<nameEnd])
            facts.transferCodings += 1
            if HTTPSyntax.equalsLowercased(coding, "chunked") {
                guard nameEnd == element.count else {
                    failure = .badRequest("chunked takes no parameters")
                    return false
                }
                facts.chunkedCount += 1
                facts.lastCodingIsChunked = true
            } else {
                facts.otherCodingSeen = true
                facts.lastCodingIsChunked = false
            }
            return true
        }
        if let failure { throw failure }
    }
}

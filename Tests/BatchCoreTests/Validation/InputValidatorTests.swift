import BatchCore
import Testing

@Suite("InputValidator")
struct InputValidatorTests {
    static func line(_ id: String = "a", method: String = "POST", url: String = "/v1/chat/completions", model: String = "gpt-4o-mini", extra: String = "") -> String {
        "{\"custom_id\":\"\(id)\",\"method\":\"\(method)\",\"url\":\"\(url)\",\"body\":{\"model\":\"\(model)\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]\(extra)}}"
    }

    static func validate(_ text: String, endpoint: String? = nil, limits: BatchLimits = .openAI, chunk: Int = 1 << 20) -> InputValidationReport {
        var validator = InputValidator(expectedEndpoint: endpoint, limits: limits)
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            validator.consume(Array(bytes[start..<end]))
            start = end
        }
        return validator.finish()
    }

    @Test func acceptsAGoodFileWithOrWithoutAFinalNewline() {
        let text = [Self.line("a"), Self.line("b"), Self.line("c")].joined(separator: "\n")
        for candidate in [text, text + "\n", text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"] {
            let report = Self.validate(candidate)
            #expect(report.isValid, "\(report.issues)")
            #expect(report.requestCount == 3)
            #expect(report.endpoint == "/v1/chat/completions")
            #expect(report.model == "gpt-4o-mini")
        }
    }

    @Test("splitting the file anywhere gives the same verdict", arguments: [1, 2, 7, 64, 1000])
    func chunkingDoesNotMatter(chunk: Int) {
        let text = [Self.line("a"), "{not json", Self.line("a"), Self.line("b", method: "GET")].joined(separator: "\n")
        let whole = Self.validate(text)
        let split = Self.validate(text, chunk: chunk)
        #expect(split == whole)
        #expect(whole.issues.map(\.line) == [2, 3, 4])
    }

    @Test("each rule names its line, code and field", arguments: [
        ("{\"custom_id\": \"x\", ", "invalid_json_line", nil as String?),
        ("[1, 2, 3]", "invalid_json_line", nil),
        ("{\"custom_id\":\"x\"} trailing", "invalid_json_line", nil),
        (InputValidatorTests.line("") , "missing_custom_id", "custom_id"),
        ("{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}", "missing_custom_id", "custom_id"),
        ("{\"custom_id\":7,\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}", "invalid_custom_id", "custom_id"),
        (InputValidatorTests.line("z", method: "GET"), "invalid_method", "method"),
        (InputValidatorTests.line("z", url: "/v1/unknown"), "invalid_url", "url"),
        ("{\"custom_id\":\"z\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"}", "missing_body", "body"),
        ("{\"custom_id\":\"z\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":\"{}\"}", "invalid_body", "body"),
        ("{\"custom_id\":\"z\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"messages\":[]}}", "missing_model", "body.model"),
        (InputValidatorTests.line("z", extra: ",\"stream\": true"), "stream_not_supported", "body.stream"),
    ] as [(String, String, String?)])
    func reportsEachRule(badLine: String, code: String, param: String?) {
        let report = Self.validate(Self.line("first") + "\n" + badLine + "\n")
        #expect(!report.isValid)
        let issue = report.issues.first
        #expect(issue?.code == code, "\(report.issues)")
        #expect(issue?.line == 2)
        #expect(issue?.param == param)
    }

    @Test func flagsDuplicatesMixedEndpointsAndModels() {
        let text = [
            Self.line("a"),
            Self.line("a"),
            Self.line("b", url: "/v1/embeddings"),
            Self.line("c", model: "gpt-4o"),
            Self.line("d", extra: ",\"stream\": false"),
        ].joined(separator: "\n")
        let report = Self.validate(text)
        #expect(report.issues.map(\.code) == ["duplicate_custom_id", "url_mismatch", "model_mismatch"])
        #expect(report.issues.map(\.line) == [2, 3, 4])
        #expect(report.issues[0].message.contains("'a'"))
    }

    @Test func holdsEveryLineToTheBatchEndpoint() {
        let report = Self.validate(Self.line("a"), endpoint: "/v1/embeddings")
        #expect(report.issues.map(\.code) == ["url_mismatch"])
    }

    @Test func reportsEmptyFilesAndBlankLines() {
        #expect(Self.validate("").issues.map(\.code) == ["empty_file"])
        let blank = Self.validate(Self.line("a") + "\n\n" + Self.line("b") + "\n")
        #expect(blank.issues.map(\.code) == ["invalid_json_line"])
        #expect(blank.issues.first?.line == 2)
    }

    @Test func enforcesTheCountAndSizeLimits() {
        let lines = (0..<5).map { Self.line("id\($0)") }.joined(separator: "\n")
        let many = Self.validate(lines, limits: BatchLimits(maxRequests: 3))
        #expect(many.issues.map(\.code) == ["too_many_tasks"])
        #expect(many.issues.first?.line == 4)
        let large = Self.validate(lines, limits: BatchLimits(maxBytes: 100))
        #expect(large.issues.first?.code == "file_too_large")
    }

    @Test func checksJSONStrictly() {
        let cases = [
            "{\"custom_id\":\"a\",\"x\":01}",            // leading zero
            "{\"custom_id\":\"a\",\"x\":1.}",            // no fraction digits
            "{\"custom_id\":\"a\",\"x\":\"\\q\"}",       // bad escape
            "{\"custom_id\":\"a\",\"x\":\"tab\there\"}", // raw control character
            "{\"custom_id\":\"a\",\"x\":tru}",           // bad literal
            "{\"custom_id\":\"a\",}",                    // trailing comma
            "{'custom_id':'a'}",                          // single quotes
        ]
        for text in cases {
            #expect(Self.validate(text).issues.first?.code == "invalid_json_line", "\(text)")
        }
        var validator = InputValidator()
        validator.consume([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D])  // {"a":"\xC3("}
        #expect(validator.finish().issues.first?.message.contains("UTF-8") == true)
    }

    @Test func decodesEscapedIDsBeforeComparingThem() {
        let text = [
            "{\"custom_id\":\"caf\\u00e9\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}",
            "{\"custom_id\":\"café\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}",
            "{\"custom_id\":\"\\ud83d\\ude00\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}",
            "{\"custom_id\":\"😀\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\"}}",
        ].joined(separator: "\n")
        #expect(Self.validate(text).issues.map(\.code) == ["duplicate_custom_id", "duplicate_custom_id"])
    }

    @Test func allowsModerationsWithoutAModel() {
        let line = "{\"custom_id\":\"m1\",\"method\":\"POST\",\"url\":\"/v1/moderations\",\"body\":{\"input\":\"text\"}}"
        #expect(Self.validate(line).isValid)
    }
}

@Suite("InputValidator: word-at-a-time string scanning")
struct InputValidatorStringScanTests {
    static func line(content: String) -> String {
        "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"x\":\"\(content)\"}}"
    }

    @Test("special bytes are seen at every position within an 8-byte word", arguments: 0..<17)
    func seesSpecialBytesAtEveryOffset(offset: Int) {
        let padding = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 9)
        #expect(InputValidatorTests.validate(Self.line(content: padding + "\\\"q\\\\" + tail)).isValid)
        #expect(InputValidatorTests.validate(Self.line(content: padding + "é😀" + tail)).isValid)
        #expect(!InputValidatorTests.validate(Self.line(content: padding + "\t" + tail)).isValid)
        #expect(!InputValidatorTests.validate(Self.line(content: padding + "\u{01}" + tail)).isValid)
        // An unescaped quote ends the string early, leaving text that is not JSON.
        #expect(!InputValidatorTests.validate(Self.line(content: padding + "\"" + tail)).isValid)
        var validator = InputValidator()
        validator.consume(Array(Self.line(content: padding).utf8).dropLast(3) + [0xFF] + Array("bb\"}}".utf8))
        #expect(validator.finish().issues.first?.message.contains("UTF-8") == true)
    }
}

import BatchCore
import Testing

/// Lines scanned on their own and accepted in order must give the streaming validator's verdict,
/// and the chat spans must point at exactly the contents' bytes.
@Suite("ScannedRequestLine")
struct ScannedRequestLineTests {
    static func accepted(_ text: String, endpoint: String? = nil, limits: BatchLimits = .openAI) -> InputValidationReport {
        var validator = InputValidator(expectedEndpoint: endpoint, limits: limits)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let endsInNewline = text.hasSuffix("\n")
        if endsInNewline || text.isEmpty { lines.removeLast() }
        for (index, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            let scanned = bytes.withUnsafeBufferPointer { ScannedRequestLine($0) }
            let newline = index < lines.count - 1 || endsInNewline ? 1 : 0
            validator.accept(scanned, byteCount: bytes.count + newline)
        }
        return validator.finish()
    }

    static func scan(_ line: String) -> ScannedRequestLine {
        Array(line.utf8).withUnsafeBufferPointer { ScannedRequestLine($0) }
    }

    /// The text of each span, as raw (still escaped) bytes.
    static func spans(_ line: String) -> [(text: String, escaped: Bool, isUser: Bool)]? {
        let bytes = Array(line.utf8)
        return scan(line).chatMessages?.map { (String(decoding: bytes[$0.content], as: UTF8.self), $0.escaped, $0.isUser) }
    }

    @Test func acceptingScannedLinesGivesTheStreamingVerdict() {
        func line(_ id: String, method: String = "POST", url: String = "/v1/chat/completions", model: String = "gpt-4o-mini", extra: String = "") -> String {
            InputValidatorTests.line(id, method: method, url: url, model: model, extra: extra)
        }
        let files = [
            [line("a"), line("b"), line("c")].joined(separator: "\n") + "\n",
            [line("a"), "{not json", line("a"), line("b", method: "GET"), "", "   ", line("c") + "\r"].joined(separator: "\n"),
            [line("a", url: "/v1/embeddings"), line("b"), line("c", model: "other"), line("d", extra: ",\"stream\":true")].joined(separator: "\n"),
            [line("a"), "[1,2]", "{\"custom_id\":5}", "{\"custom_id\":\"x\",\"body\":\"text\"}", line("")].joined(separator: "\n") + "\n",
            "",
            "\n\n",
        ]
        for text in files {
            for endpoint in [nil, "/v1/chat/completions", "/v1/embeddings"] {
                let streamed = InputValidatorTests.validate(text, endpoint: endpoint)
                #expect(Self.accepted(text, endpoint: endpoint) == streamed, "\(text.debugDescription) for \(endpoint ?? "no endpoint")")
            }
        }
    }

    @Test func limitsCountTheSameWhenAccepted() {
        let text = (1...5).map { InputValidatorTests.line("id\($0)") }.joined(separator: "\n") + "\n"
        var limits = BatchLimits.openAI
        limits.maxRequests = 3
        limits.maxBytes = 200
        let streamed = InputValidatorTests.validate(text, limits: limits)
        #expect(Self.accepted(text, limits: limits) == streamed)
        #expect(Set(streamed.issues.map(\.code)) == ["too_many_tasks", "file_too_large"])
    }

    @Test func chatSpansPointAtTheContents() throws {
        let plain = #"{"custom_id":"a","body":{"model":"m","messages":[{"role":"system","content":"Be brief."},{"content":"Hi \"you\"\n","role":"user"}]}}"#
        let spans = try #require(Self.spans(plain))
        #expect(spans.map(\.text) == ["Be brief.", #"Hi \"you\"\n"#])
        #expect(spans.map(\.escaped) == [false, true])
        #expect(spans.map(\.isUser) == [false, true])
        #expect(Self.scan(plain).customID == "a")
    }

    @Test("messages that are not plain give no spans", arguments: [
        #"{"body":{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user","content":null}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user"}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user","content":"a","content":"b"}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user","role":"system","content":"a"}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":7,"content":"a"}]}}"#,
        #"{"body":{"model":"m","messages":["just text"]}}"#,
        #"{"body":{"model":"m","messages":"hello"}}"#,
        #"{"body":{"model":"m","messages":[],"messages":[{"role":"user","content":"a"}]}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user","content":"caf\u00e9"}]}}"#,
        #"{"custom_id":"\u0061","body":{"model":"m","messages":[{"role":"user","content":"a"}]}}"#,
        #"{"body":{"model":"m"}}"#,
        #"{"body":{"model":"m","messages":[{"role":"user","content":"a"}]"#,
    ])
    func notPlain(_ line: String) {
        #expect(Self.spans(line) == nil)
    }

    @Test func repeatedMessagesAreValidJSONButNotPlain() {
        // Both values are checked; the line stays valid, only its spans are given up.
        let line = #"{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"x"}],"messages":[{"role":"user","content":"y"}]}}"#
        #expect(InputValidatorTests.validate(line).isValid)
        #expect(Self.accepted(line).isValid)
        #expect(Self.spans(line) == nil)
    }

    @Test func anEmptyArrayGivesNoMessages() throws {
        #expect(try #require(Self.spans(#"{"body":{"model":"m","messages":[]}}"#)).isEmpty)
    }

    @Test func messagesAreCheckedAsStrictlyAsAnyValue() {
        // The capture walks the messages itself: it must refuse what skipping them refuses.
        for bad in [
            #"{"body":{"messages":[{"role":"user","content":"a"},]}}"#,
            #"{"body":{"messages":[{"role":"user","content":"a\x"}]}}"#,
            #"{"body":{"messages":[{"role":"user","content":"a"}}}"#,
            #"{"body":{"messages":[{"role":"user" "content":"a"}]}}"#,
        ] {
            let report = Self.accepted(bad)
            #expect(report.issues.first?.code == "invalid_json_line", "\(bad)")
        }
    }
}

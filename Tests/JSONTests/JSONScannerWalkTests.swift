import JSON
import Testing

/// Walking a document member by member: keeping some members, skipping the rest (still checked).
@Suite struct JSONScannerWalkTests {
    @Test func keepsOnlyTheNamedMembersButStillValidatesTheOthers() throws {
        let text = #"{"keep": {"a": 1, "z": 2}, "skip": {"x": [1, "\n\u00e9", {"y": null}]}, "b": true}"#
        let value = try JSONValue(parsing: text, keeping: ["keep", "a"])
        #expect(value == ["keep": ["a": 1]])
        for invalid in [#"{"keep": 1, "skip": [1,}"#, #"{"skip": "\x"}"#, #"{"skip": {"a" 1}}"#, "{\"skip\": \"\t\"}"] {
            #expect(throws: JSONScanner.Failure.self, "\(invalid)") { try JSONValue(parsing: invalid, keeping: ["keep"]) }
        }
    }

    @Test func arraysKeepTheirElementsAndFilterTheirObjects() throws {
        let value = try JSONValue(parsing: #"{"choices": [{"message": {"content": "hi", "role": "assistant"}, "index": 0}]}"#,
                                  keeping: ["choices", "message", "content"])
        #expect(value == ["choices": [["message": ["content": "hi"]]]])
    }

    @Test func scanObjectGivesEachKeyWithTheCursorOnItsValue() throws {
        let text = Array(#" {"id": "x", "n": [1, {"deep": true}], "s": "a\"b"} "#.utf8)
        var seen: [(String, JSONScanner.Kind)] = []
        var strings: [String] = []
        try text.withUnsafeBufferPointer { buffer throws(JSONScanner.Failure) in
            var scanner = JSONScanner(buffer)
            scanner.skipWhitespace()
            try scanner.scanObject(depth: 0) { scanner, key throws(JSONScanner.Failure) in
                if scanner.peek() == UInt8(ascii: "\"") {
                    strings.append(try scanner.readString())
                    seen.append((key, .string))
                } else {
                    seen.append((key, try scanner.skipValue(depth: 1)))
                }
            }
            try scanner.expectEnd()
        }
        #expect(seen.map(\.0) == ["id", "n", "s"])
        #expect(seen.map(\.1) == [.string, .array, .string])
        #expect(strings == ["x", "a\"b"])
    }

    @Test func scanArrayVisitsEveryElement() throws {
        let text = Array("[1, \"two\", null, [3], {}]".utf8)
        var kinds: [JSONScanner.Kind] = []
        try text.withUnsafeBufferPointer { buffer throws(JSONScanner.Failure) in
            var scanner = JSONScanner(buffer)
            try scanner.scanArray(depth: 0) { scanner throws(JSONScanner.Failure) in kinds.append(try scanner.skipValue(depth: 1)) }
        }
        #expect(kinds == [.number, .string, .null, .array, .object])
    }

    @Test func notesUnicodeEscapes() throws {
        for (text, expected) in [(#""plain""#, false), (#""\n""#, false), (#""\u0041""#, true)] {
            let bytes = Array(text.utf8)
            let saw = try bytes.withUnsafeBufferPointer { buffer throws(JSONScanner.Failure) in
                var scanner = JSONScanner(buffer)
                _ = try scanner.skipValue(depth: 0)
                return scanner.sawUnicodeEscape
            }
            #expect(saw == expected, "\(text)")
        }
    }
}

@testable import OutputParser
import Testing

struct JSONValueTests {
    private func parse(_ text: String) -> JSONValue? {
        var copy = text
        return copy.withUTF8 { JSONValue.parse(UnsafeRawBufferPointer($0)) }
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""a\"b\\c\/d\n\t\r\b\f""#, "a\"b\\c/d\n\t\r\u{8}\u{C}"),
        (#""\u00e9\u65e5""#, "é日"),
        (#""\ud83c\udf89 party""#, "🎉 party"),
        ("\"raw é 日 🎉\"", "raw é 日 🎉"),
        (#""\ufeffbom""#, "\u{FEFF}bom"),
    ])
    func decodesStrings(json: String, expected: String) {
        #expect(parse(json)?.string == expected)
    }

    @Test(arguments: [
        "", "{", "[1,", #"{"a":}"#, #"{"a" 1}"#, #"{"a":1,}"#, "[1 2]", #""unterminated"#, #""\x""#,
        #""\ud83c""#, #""\ud83c\u0041""#, "\"tab\there\"", "tru", "nul", "{} extra", "-", #"{"a":1}}"#,
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    ])
    func rejectsInvalidJSON(json: String) {
        #expect(parse(json) == nil)
    }

    @Test func skipsUnwantedMembersButStillValidatesThem() throws {
        var text = #"{"keep": {"a": 1}, "skip": {"x": [1, "\n\u00e9", {"y": null}]}, "b": true}"#
        let value = try #require(text.withUTF8 { JSONValue.parse(UnsafeRawBufferPointer($0), keeping: ["keep", "a"]) })
        #expect(value["keep"]?["a"]?.number == 1)
        #expect(value["skip"] == nil)
        #expect(value["b"] == nil)
        for invalid in [#"{"keep": 1, "skip": [1,}"#, #"{"skip": "\x"}"#, #"{"skip": {"a" 1}}"#, "{\"skip\": \"\t\"}"] {
            var copy = invalid
            #expect(copy.withUTF8 { JSONValue.parse(UnsafeRawBufferPointer($0), keeping: ["keep"]) } == nil)
        }
        text = ""
    }

    @Test func readsNestedValues() throws {
        let value = try #require(parse(#" {"a": [1, 2.5, -3e2, true, false, null, {"b": "c"}], "n": 400} "#))
        #expect(value["a"]?[0]?.number == 1)
        #expect(value["a"]?[1]?.number == 2.5)
        #expect(value["a"]?[2]?.number == -300)
        #expect(value["a"]?[6]?["b"]?.string == "c")
        #expect(value["a"]?[7] == nil)
        #expect(value["n"]?.number == 400)
        #expect(value["missing"] == nil)
    }
}

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

import Foundation
import JSON
import Testing

/// Strings, numbers and nested values as the scanner builds them, and the value's accessors and Codable form.
@Suite struct JSONValueTests {
    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""a\"b\\c\/d\n\t\r\b\f""#, "a\"b\\c/d\n\t\r\u{8}\u{C}"),
        (#""\u00e9\u65e5""#, "é日"),
        (#""\ud83c\udf89 party""#, "🎉 party"),
        ("\"raw é 日 🎉\"", "raw é 日 🎉"),
        (#""\ufeffbom""#, "\u{FEFF}bom"),
        // A lone surrogate is allowed by the grammar (validation accepts it); it reads as U+FFFD.
        (#""\ud83c""#, "\u{FFFD}"),
        (#""\ud83c\u0041""#, "\u{FFFD}A"),
        (#""\udc00x""#, "\u{FFFD}x"),
    ])
    func decodesStrings(json: String, expected: String) throws {
        #expect(try JSONValue(parsing: json).stringValue == expected)
    }

    @Test(arguments: [
        "", "{", "[1,", #"{"a":}"#, #"{"a" 1}"#, #"{"a":1,}"#, "[1 2]", #""unterminated"#, #""\x""#,
        "\"tab\there\"", "tru", "nul", "{} extra", "-", #"{"a":1}}"#, "01", "1.", ".5", "+1", "[1,]", "NaN",
        String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    ])
    func rejectsInvalidJSON(json: String) {
        #expect(throws: JSONScanner.Failure.self) { try JSONValue(parsing: json) }
    }

    @Test func readsNestedValues() throws {
        let value = try JSONValue(parsing: #" {"a": [1, 2.5, -3e2, true, false, null, {"b": "c"}], "n": 400} "#)
        #expect(value["a"]?[0]?.numberValue == 1)
        #expect(value["a"]?[1]?.numberValue == 2.5)
        #expect(value["a"]?[2]?.numberValue == -300)
        #expect(value["a"]?[3]?.boolValue == true)
        #expect(value["a"]?[5]?.isNull == true)
        #expect(value["a"]?[6]?["b"]?.stringValue == "c")
        #expect(value["a"]?[7] == nil)
        #expect(value["a"]?.arrayValue?.count == 7)
        #expect(value["n"]?.intValue == 400)
        #expect(value.isObject && value.objectValue?.count == 2)
        #expect(value["missing"] == nil)
        #expect(value[0] == nil)
    }

    @Test func codableKeepsIntegralNumbersWithoutAFraction() throws {
        let value: JSONValue = ["max_tokens": 1000, "temperature": 0.5, "stop": nil, "tags": ["a", true]]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        #expect(text == #"{"max_tokens":1000,"stop":null,"tags":["a",true],"temperature":0.5}"#)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value)
    }
}

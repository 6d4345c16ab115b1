import Foundation
import JSON
import TestSupport
import Testing

@testable import JSON

/// The scanner builds what `JSONDecoder` builds, and refuses what is not JSON with a reason and a column.
@Suite struct JSONScannerTests {
    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, -2.5e3, 0, 12], "c": {"d": "x\"y\\z\/\n\t\u00e9\ud83d\ude00"}, "e": []}"#,
        #"  {"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "héllo 😀"}]}}  "#,
        #"[1, 2, {"k": {}}]"#,
        #""plain""#,
    ])
    func agreesWithJSONDecoder(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONValue(parsing: text) == expected)
    }

    /// Each refusal names what is wrong and where (1-based byte column).
    @Test(arguments: [
        (#"{"a": }"#, "unexpected character '}'", 7),
        (#"{"a": 1,}"#, "expected a quoted member name", 9),
        ("[1 2]", "expected ',' or ']' in an array", 4),
        (#"{"a": "\x"}"#, "invalid escape '\\x'", 8),
        ("01", "unexpected text after the JSON value", 2),
        (#"{"a": 1} x"#, "unexpected text after the JSON value", 10),
        ("", "a value is missing", 1),
        ("tru", "invalid literal (expected true)", 1),
        (#"{"a" 1}"#, "expected ':' after a member name", 6),
        (#"{"a": 1"#, "the object is not closed", 8),
        ("[1,", "a value is missing", 4),
        (#""open"#, "the string is not closed", 6),
        ("\"tab\there\"", "a control character must be escaped in a string", 5),
        (#""\u12""#, "\\u needs four hex digits", 2),
        ("-", "a number needs digits", 2),
        ("1.", "a number needs digits after '.'", 3),
        ("1e+", "a number needs digits in its exponent", 4),
    ])
    func refusesInvalid(_ text: String, reason: String, column: Int) {
        #expect(throws: JSONScanner.Failure(reason: reason, column: column)) { try JSONValue(parsing: text) }
    }

    /// Strict UTF-8 (RFC 3629): overlongs, surrogates, values past U+10FFFF, stray and truncated bytes.
    @Test(arguments: [
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
        [0x80], [0xBF], [0xFF], [0xC3], [0xE2, 0x82], [0xC3, 0x41],
    ] as [[UInt8]])
    func refusesInvalidUTF8(_ sequence: [UInt8]) {
        let bytes = Array(#"{"s": "ok "#.utf8) + sequence + Array(#" end"}"#.utf8)
        #expect(throws: JSONScanner.Failure(reason: "invalid UTF-8", column: 11)) { try JSONValue(parsing: bytes) }
    }

    @Test func acceptsEveryUTF8Length() throws {
        let text = "{\"s\": \"a é 日 😀 \u{10FFFF}\"}"
        #expect(try JSONValue(parsing: text)["s"]?.stringValue == "a é 日 😀 \u{10FFFF}")
    }

    @Test func depthIsLimited() throws {
        let deepest = JSONScanner.maxDepth
        let fits = String(repeating: "[", count: deepest) + String(repeating: "]", count: deepest)
        #expect(throws: Never.self) { try JSONValue(parsing: fits) }
        let tooDeep = String(repeating: "[", count: deepest + 1) + String(repeating: "]", count: deepest + 1)
        #expect(throws: JSONScanner.Failure(reason: "nested more than \(deepest) levels deep", column: deepest + 1)) {
            try JSONValue(parsing: tooDeep)
        }
        let hostile = String(repeating: #"{"a":"#, count: 10_000)
        #expect(throws: JSONScanner.Failure.self) { try JSONValue(parsing: hostile) }
    }

    /// The eight-bytes-at-a-time scan of strings sees a special byte at every offset.
    @Test func longStringsWithASpecialByteAnywhere() throws {
        for special in ["\\\"", "\\n", "\\u00e9", "é", "😀"] {
            for offset in 0..<20 {
                let text = #"{"s": ""# + String(repeating: "a", count: offset) + special + String(repeating: "b", count: 17) + #""}"#
                let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                #expect(try JSONValue(parsing: text) == expected, "\(text)")
            }
        }
        for offset in 0..<20 {  // a raw control byte inside a string is not JSON
            let bytes = Array(#"{"s": ""#.utf8) + Array(repeating: 0x61, count: offset) + [0x01] + Array(repeating: 0x62, count: 9) + Array(#""}"#.utf8)
            #expect(throws: JSONScanner.Failure(reason: "a control character must be escaped in a string", column: 8 + offset)) {
                try JSONValue(parsing: bytes)
            }
        }
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let word = generator.next() & (generator.next() % 2 == 0 ? 0x7F7F_7F7F_7F7F_7F7F : ~0)
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
            #expect(JSONScanner.hasSpecialByte(word) == bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
        }
    }
}

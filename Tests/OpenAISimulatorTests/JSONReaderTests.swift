import Foundation
import OpenAIClient
import Testing

@testable import OpenAISimulator

/// The fast reader agrees with `JSONDecoder`, and refuses what is not JSON.
@Suite struct JSONReaderTests {
    @Test(arguments: [
        #"{"a": 1, "b": [true, false, null, -2.5e3, 0, 12], "c": {"d": "x\"y\\z\/\n\t\u00e9\ud83d\ude00"}, "e": []}"#,
        #"  {"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": [{"role": "user", "content": "héllo 😀"}]}}  "#,
        #"[1, 2, {"k": {}}]"#,
        #""plain""#,
    ])
    func agreesWithJSONDecoder(_ text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(JSONReader.parse(Array(text.utf8)) == expected)
    }

    @Test(arguments: [#"{"a": }"#, #"{"a": 1,}"#, #"[1 2]"#, #"{"a": "\x"}"#, "01", #"{"a": 1} x"#, "", #""\ud800""#, "tru"])
    func refusesInvalid(_ text: String) {
        #expect(JSONReader.parse(Array(text.utf8)) == nil)
    }

    /// The eight-bytes-at-a-time scan of strings sees a special byte at every offset.
    @Test func longStringsWithASpecialByteAnywhere() throws {
        for special in ["\\\"", "\\n", "\\u00e9", "é", "😀"] {
            for offset in 0..<20 {
                let text = #"{"s": ""# + String(repeating: "a", count: offset) + special + String(repeating: "b", count: 17) + #""}"#
                let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                #expect(JSONReader.parse(Array(text.utf8)) == expected, "\(text)")
            }
        }
        for offset in 0..<20 {  // a raw control byte inside a string is not JSON
            let bytes = Array(#"{"s": ""#.utf8) + Array(repeating: 0x61, count: offset) + [0x01] + Array(repeating: 0x62, count: 9) + Array(#""}"#.utf8)
            #expect(JSONReader.parse(bytes) == nil)
        }
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let word = generator.next() & (generator.next() % 2 == 0 ? 0x7F7F_7F7F_7F7F_7F7F : ~0)
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
            #expect(JSONReader.hasSpecialByte(word) == bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
        }
    }
}

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
}

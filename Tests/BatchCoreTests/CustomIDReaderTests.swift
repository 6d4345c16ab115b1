import Foundation
import Testing

@testable import BatchCore

@Suite("custom_id reader")
struct CustomIDReaderTests {
    static func read(_ line: String) -> String? {
        Array(line.utf8).withUnsafeBytes { CustomIDReader.customID(in: $0) }
    }

    @Test("the top-level id is found wherever it is", arguments: [
        (#"{"custom_id":"a-1","method":"POST"}"#, "a-1"),
        (#"{"id":"batch_req_1","response":{"body":{"custom_id":"inner","x":[1,{"y":"}"}]}},"custom_id":"outer"}"#, "outer"),
        (#"  { "body" : {"text":"a \"quoted\" , } ] brace"} , "custom_id" : "q\"x" }"#, "q\"x"),
        (#"{"n":-1.5e3,"t":true,"z":null,"custom_id":"caf\u00e9\/x"}"#, "café/x"),
        (#"{"a":"ends with backslash \\","custom_id":"ok"}"#, "ok"),
    ])
    func finds(line: String, id: String) {
        #expect(Self.read(line) == id)
    }

    @Test("lines without a string id give nil", arguments: [
        #"{"custom_id":7}"#, #"{"body":{"custom_id":"nested only"}}"#, "[]", "", #"{"custom_id":"unterminated}"#, "not json",
    ])
    func refuses(line: String) {
        #expect(Self.read(line) == nil)
    }
}

import Foundation
import Testing
import TestSupport

@testable import BatchService

@Suite("custom_id accounting")
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

    @Test func accountsForEveryInputID() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = BatchFolder(path: directory.path)
        try Data(ServiceFixture.chatLines(6).utf8).write(to: URL(fileURLWithPath: folder.file("input.jsonl")))
        let output = [1, 4].map { #"{"id":"r\#($0)","custom_id":"request-\#($0)","response":{"status_code":200,"body":{}},"error":null}"# }
        // The last line has no newline; an id the input does not have is counted apart.
        try Data((output.joined(separator: "\n") + "\n" + #"{"custom_id":"stranger"}"#).utf8).write(to: URL(fileURLWithPath: folder.file("output.jsonl")))
        try Data(Array(#"{"id":"r6","custom_id":"request-6","response":null,"error":{"code":"batch_expired","message":"m"}}"#.utf8) + [0x0A])
            .write(to: URL(fileURLWithPath: folder.file("errors.jsonl")))
        let accounting = try ResultAccounting.account(folder)
        #expect(accounting.inputCount == 6)
        #expect(accounting.outputLines == 3)
        #expect(accounting.errorLines == 1)
        #expect(accounting.unexpected == 1)
        #expect(accounting.missing == ["request-2", "request-3", "request-5"])
    }
}

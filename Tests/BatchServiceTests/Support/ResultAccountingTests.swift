import Foundation
import Testing
import TestSupport

@testable import BatchService

@Suite("custom_id accounting")
struct ResultAccountingTests {
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

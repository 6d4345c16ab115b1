import BatchCore
import Foundation
import Testing

@testable import OpenAISimulator

/// The heads read from a line's spans must be the decoded texts' first bytes, with their full
/// lengths: escapes anywhere (before, across and after the head's end), characters cut by the head.
@Suite struct ChatSpanTextTests {
    static func heads(of contents: [String]) throws -> [(bytes: [UInt8], count: Int)] {
        let messages = contents.map { ["role": "user", "content": $0] }
        let body = try JSONSerialization.data(withJSONObject: ["model": "m", "messages": messages])
        let line = Array(#"{"custom_id":"a","body":"#.utf8) + Array(body) + Array("}".utf8)
        return try line.withUnsafeBufferPointer { buffer in
            let spans = try #require(ScannedRequestLine(buffer).chatMessages)
            return ChatSpanText.withHeads(spans, in: buffer) { heads in heads.map { (Array($0.bytes), $0.count) } }
        }
    }

    @Test func headsAreTheDecodedTextsFirstBytes() throws {
        let limit = TemplateResponder.textHeadBytes
        let contents = [
            "short",
            "",
            String(repeating: "plain ", count: 400),
            String(repeating: "a\n\"b\"\t\\ ", count: 300),  // escapes all the way
            String(repeating: "x", count: limit - 1) + "\n\n" + String(repeating: "y\n", count: 50),  // an escape across the end
            String(repeating: "é", count: 700) + "\n",  // two-byte characters, one cut at the end
            "line one\nline two\r\n" + String(repeating: "ü\t", count: 600),
        ]
        let heads = try Self.heads(of: contents)
        for (content, head) in zip(contents, heads) {
            let decoded = Array(content.utf8)
            #expect(head.count == decoded.count)
            #expect(head.bytes == Array(decoded.prefix(limit)))
        }
    }

    @Test func answersFromHeadsAreAnswersFromTexts() throws {
        let contents = [
            ["Draw a PlantUML diagram of Orders"],
            ["System rules\nbe brief", String(repeating: "Explain \"this\"\n", count: 120)],
            [String(repeating: "é", count: 513) + "tail", "second"],
            ["a", "b", String(repeating: "c", count: 2000)],
        ]
        for texts in contents {
            let spans = try Self.heads(of: texts)
            for lastUser in [nil, texts.count - 1] {
                let fromTexts = TemplateResponder.chatAnswer(texts: texts, lastUser: lastUser, model: "m")
                let fromHeads = spans.map(\.bytes).withHeads(counts: spans.map(\.count)) {
                    TemplateResponder.chatAnswer(heads: $0, lastUser: lastUser, model: "m")
                }
                #expect(fromHeads.content == fromTexts.content)
                #expect(fromHeads.id == fromTexts.id)
                #expect(fromHeads.usage == fromTexts.usage)
            }
        }
    }
}

extension Array where Element == [UInt8] {
    /// `body` with these byte arrays as text heads of the given lengths.
    fileprivate func withHeads<Result>(counts: [Int], _ body: ([TemplateResponder.TextHead]) -> Result) -> Result {
        let copies = map { bytes in
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Swift.max(1, bytes.count))
            _ = copy.initialize(from: bytes)
            return UnsafeBufferPointer(rebasing: copy[..<bytes.count])
        }
        defer { copies.forEach { UnsafeMutableRawPointer(mutating: $0.baseAddress)?.deallocate() } }
        return body(zip(copies, counts).map { TemplateResponder.TextHead(bytes: $0, count: $1) })
    }
}

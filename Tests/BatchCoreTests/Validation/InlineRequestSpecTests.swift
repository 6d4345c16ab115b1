import BatchCore
import Foundation
import Testing

@Suite("InlineRequestSpec")
struct InlineRequestSpecTests {
    @Test func parsesTheGoSeedsExample() throws {
        let spec = try InlineRequestSpec(parsing: "system: You are a helpful assistant. || user: Hello /// system: You are a helpful assistant. || user: How are you?")
        #expect(spec.requests.count == 2)
        #expect(spec.requests[1].map(\.role) == ["system", "user"])
        #expect(spec.requests[1][1].content == "How are you?")
        let lines = spec.requestLines(model: "gpt-4o-mini")
        #expect(lines[0] == #"{"custom_id":"1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello"}]}}"#)
        // The lines pass the Batch API's rules.
        var validator = InputValidator(expectedEndpoint: "/v1/chat/completions")
        validator.consume(Array(lines.joined(separator: "\n").utf8))
        #expect(validator.finish().isValid)
    }

    @Test func keepsColonsAndQuotesInContent() throws {
        let spec = try InlineRequestSpec(parsing: "user: Explain \"a: b\" and C:\\path\n/// user: second")
        #expect(spec.requests[0][0].content == "Explain \"a: b\" and C:\\path")
        let line = spec.requestLines(model: "m")[0]
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        let body = object?["body"] as? [String: Any]
        let messages = body?["messages"] as? [[String: String]]
        #expect(messages?.first?["content"] == "Explain \"a: b\" and C:\\path")
    }

    @Test("errors point at the bad request and message", arguments: [
        ("user: Hi /// /// user: there", "request 2: the request is empty"),
        ("user: Hi || nonsense", "request 1, message 2: expected 'role: content'"),
        ("user: Hi /// robot: beep", "request 2, message 1: unknown role 'robot'"),
        ("system: only a system prompt", "request 1: a request needs at least one user message"),
        ("user:   ", "request 1, message 1: the user message is empty"),
    ])
    func pointsAtTheBadRequest(text: String, message: String) {
        #expect {
            _ = try InlineRequestSpec(parsing: text)
        } throws: { error in
            String(describing: error).hasPrefix(message)
        }
    }

    @Test func toleratesATrailingSeparator() throws {
        #expect(try InlineRequestSpec(parsing: "user: a /// user: b ///").requests.count == 2)
    }
}

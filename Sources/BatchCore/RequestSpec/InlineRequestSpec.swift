import JSON
import Foundation

/// The inline request format of the Go example: `system: You are helpful. || user: Hello /// user: How are you?`.
///
/// `///` separates requests, `||` separates the messages of a request, and each message is `role: content`
/// with role `system`, `user`, `assistant` or `developer`. Requests become chat-completion request lines
/// with `custom_id` "1", "2", … in order.
public struct InlineRequestSpec: Sendable, Equatable {
    /// One message of a request.
    public struct Message: Sendable, Equatable {
        /// `system`, `user`, `assistant` or `developer`.
        public var role: String
        /// The text.
        public var content: String
    }

    /// The requests, each a list of messages.
    public var requests: [[Message]]

    /// A spec that cannot be read, naming the request (1-based) and message at fault.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based request number.
        public let request: Int
        /// The 1-based message number within the request, when the problem is in one message.
        public let message: Int?
        /// What is wrong and what was expected.
        public let reason: String

        public var description: String {
            "request \(request)" + (message.map { ", message \($0)" } ?? "") + ": " + reason
        }
    }

    static let roles: Set<String> = ["system", "user", "assistant", "developer"]

    /// Parses the text of a spec (from `--requests` or a file; newlines inside are fine).
    public init(parsing text: String) throws(ParseError) {
        var requests: [[Message]] = []
        let chunks = text.components(separatedBy: "///")
        for (requestIndex, chunk) in chunks.enumerated() {
            let trimmed = chunk.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty {
                // A trailing separator is harmless; an empty request in the middle is a mistake.
                if requestIndex == chunks.count - 1, requestIndex > 0 { continue }
                throw ParseError(request: requestIndex + 1, message: nil, reason: "the request is empty; expected 'role: content' messages separated by '||'")
            }
            var messages: [Message] = []
            for (messageIndex, part) in trimmed.components(separatedBy: "||").enumerated() {
                let text = part.trimmingCharacters(in: .whitespacesAndNewlines)
                guard let colon = text.firstIndex(of: ":") else {
                    throw ParseError(request: requestIndex + 1, message: messageIndex + 1, reason: "expected 'role: content', found '\(Self.clip(text))'")
                }
                let role = text[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let content = text[text.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
                guard Self.roles.contains(role) else {
                    throw ParseError(request: requestIndex + 1, message: messageIndex + 1, reason: "unknown role '\(Self.clip(role))'; expected system, user, assistant or developer")
                }
                guard !content.isEmpty else {
                    throw ParseError(request: requestIndex + 1, message: messageIndex + 1, reason: "the \(role) message is empty")
                }
                messages.append(Message(role: role, content: content))
            }
            guard messages.contains(where: { $0.role == "user" }) else {
                throw ParseError(request: requestIndex + 1, message: nil, reason: "a request needs at least one user message")
            }
            requests.append(messages)
        }
        self.requests = requests
    }

    /// The requests as JSONL lines for `/v1/chat/completions` (no trailing newline on each), deterministic.
    public func requestLines(model: String, customIDPrefix: String = "") -> [String] {
        requests.enumerated().map { index, messages in
            let encodedMessages = messages.map { message in
                "{\"role\":\(JSONWriter.quote(message.role)),\"content\":\(JSONWriter.quote(message.content))}"
            }
            return "{\"custom_id\":\(JSONWriter.quote(customIDPrefix + String(index + 1))),\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\(JSONWriter.quote(model)),\"messages\":[\(encodedMessages.joined(separator: ","))]}}"
        }
    }

    private static func clip(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }
}

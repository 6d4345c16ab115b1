import JSON
import OpenAIClient

/// Chat answers from the heads of the messages' texts: only a text's first KiB shapes the answer
/// and only its length counts beyond that, so a caller holding the texts in a file (a batch worked
/// out ahead) reads and decodes no more of each than that.
extension TemplateResponder {
    /// The first bytes of a message's text and the text's whole length in bytes. `bytes` holds all
    /// of the text, or at least `headBytes + 1` of its bytes (one more than the head, to tell
    /// whether the head cuts a character).
    struct TextHead {
        let bytes: UnsafeBufferPointer<UInt8>
        let count: Int
    }

    /// Bytes of a text a `TextHead` needs, at most.
    static let textHeadBytes = headBytes + 1

    /// `encodedChat(model:texts:lastUser:)` for texts given by their heads: the same bytes.
    func encodedChat(
        model: String, heads: [TextHead], lastUser: Int?, promptTokens: Int? = nil
    ) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void) {
        Self.encoded(Self.chatAnswer(heads: heads, lastUser: lastUser, model: model).billing(promptTokens), model: model)
    }

    /// `chatAnswer(texts:lastUser:model:)` for texts given by their heads (at least one).
    static func chatAnswer(heads: [TextHead], lastUser: Int?, model: String) -> ChatAnswer {
        let promptBytes = heads.reduce(max(heads.count - 1, 0)) { $0 + $1.count }
        return withJoinedHead(heads) { promptHead in
            if let lastUser {
                let user = heads[lastUser]
                return chatAnswer(user: PromptHead(user), userBytes: user.count, prompt: promptHead, promptBytes: promptBytes, model: model)
            }
            let head = heads.count == 1 ? PromptHead(heads[0]) : PromptHead(decoding: promptHead)
            return chatAnswer(user: head, userBytes: promptBytes, prompt: promptHead, promptBytes: promptBytes, model: model)
        }
    }

    /// `body` on the first `headBytes` of the texts joined by newlines: the only text's bytes, or a
    /// copy on the stack.
    private static func withJoinedHead<Result>(_ heads: [TextHead], _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if heads.count == 1 { return body(UnsafeBufferPointer(rebasing: heads[0].bytes.prefix(headBytes))) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: headBytes) { buffer in
            var filled = 0
            for (index, head) in heads.enumerated() where filled < headBytes {
                if index > 0 {
                    buffer[filled] = 0x0A
                    filled += 1
                }
                let count = min(head.bytes.count, headBytes - filled)
                filled += UnsafeMutableBufferPointer(rebasing: buffer[filled..<(filled + count)])
                    .initialize(fromContentsOf: UnsafeBufferPointer(rebasing: head.bytes.prefix(count)))
            }
            return body(UnsafeBufferPointer(rebasing: buffer[..<filled]))
        }
    }
}

extension TemplateResponder.PromptHead {
    /// The head of a text given by its head, as `init(_:)` makes it of the whole text.
    init(_ head: TemplateResponder.TextHead) {
        let limit = TemplateResponder.headBytes
        if head.count <= limit {
            self.init(decoding: head.bytes)
        } else if head.bytes[limit] & 0xC0 == 0x80 {
            self.init(decoding: head.bytes.prefix(limit))  // the head cuts a character: it ends in U+FFFD
        } else {
            self.init(text: String(decoding: head.bytes.prefix(limit), as: UTF8.self), count: limit)
        }
    }
}

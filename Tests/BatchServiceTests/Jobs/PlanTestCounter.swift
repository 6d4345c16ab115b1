import BatchCore

/// A token counter for planning tests, with counts a test can read off its lines: each `tok` in the line is
/// one input token, and `"max_tokens":N` is the output cap. Exact, as far as the planner can tell.
struct PlanTestCounter: RequestTokenCounting {
    func tokens(ofLine line: UnsafeRawBufferPointer) -> RequestTokens {
        let bytes = Array(line)
        var input = 0
        var index = 0
        while index + 3 <= bytes.count {
            // `tok` as a word of the content (not the `tok` of `max_tokens`).
            if bytes[index] == UInt8(ascii: "t"), bytes[index + 1] == UInt8(ascii: "o"), bytes[index + 2] == UInt8(ascii: "k"),
               index + 3 == bytes.count || bytes[index + 3] != UInt8(ascii: "e") {
                input += 1
                index += 3
            } else {
                index += 1
            }
        }
        return RequestTokens(input: input, outputCeiling: Self.maxTokens(in: bytes), exact: true)
    }

    private static func maxTokens(in bytes: [UInt8]) -> Int? {
        let key = Array(#""max_tokens":"#.utf8)
        guard bytes.count > key.count,
              let start = (0...(bytes.count - key.count)).first(where: { Array(bytes[$0..<($0 + key.count)]) == key })
        else { return nil }
        let digits = bytes[(start + key.count)...].prefix { (0x30...0x39).contains($0) }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}

/// Request lines for planning tests.
enum PlanLines {
    /// One chat line: `tokens` counted by `PlanTestCounter`, an optional output cap, `padding` extra bytes.
    static func line(_ id: String, model: String = "gpt-4o-mini", tokens: Int = 1, maxTokens: Int? = nil, padding: Int = 0) -> String {
        let content = Array(repeating: "tok", count: tokens).joined(separator: " ") + String(repeating: "x", count: padding)
        let cap = maxTokens.map { #","max_tokens":\#($0)"# } ?? ""
        return #"{"custom_id":"\#(id)","method":"POST","url":"/v1/chat/completions","body":{"model":"\#(model)","messages":[{"role":"user","content":"\#(content)"}]\#(cap)}}"#
    }

    /// `count` lines `r-1` … joined with newlines, with a final newline.
    static func lines(_ count: Int, model: String = "gpt-4o-mini", tokens: Int = 1, maxTokens: Int? = nil) -> String {
        (1...count).map { line("r-\($0)", model: model, tokens: tokens, maxTokens: maxTokens) }.joined(separator: "\n") + "\n"
    }
}

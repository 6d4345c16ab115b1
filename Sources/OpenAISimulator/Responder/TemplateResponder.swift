import Foundation
import Glibc
import OpenAIClient

/// The default responder: deterministic, useful text derived from the prompt, with usage.
///
/// Chat, completions and responses get Markdown built from the prompt (a title, a summary and key
/// points); a prompt that asks for a diagram (PlantUML, UML, "diagram"/"diagrama") gets a PlantUML
/// block `@startuml … @enduml`. Embeddings are unit vectors hashed from the text. A body missing a
/// required parameter gets the endpoint's 400. The same body always gives the same content.
public struct TemplateResponder: Responder {
    /// Creates the responder.
    public init() {}

    /// `true`: answers are pure functions of the request.
    public var answersAhead: Bool { true }

    /// Answers as the endpoint would, deterministically.
    public func respond(endpoint: String, body: JSONValue) async -> ResponderResult {
        guard case .object = body else {
            return .error(400, message: "The request body must be a JSON object.")
        }
        guard let model = body["model"]?.stringValue, !model.isEmpty else {
            if endpoint == "/v1/moderations" { return moderation(body, model: "omni-moderation-latest") }
            return .error(400, message: "you must provide a model parameter", param: "model", code: "missing_required_parameter")
        }
        switch endpoint {
        case "/v1/chat/completions": return chat(body, model: model)
        case "/v1/completions": return completion(body, model: model)
        case "/v1/responses": return responses(body, model: model)
        case "/v1/embeddings": return embeddings(body, model: model)
        case "/v1/moderations": return moderation(body, model: model)
        default:
            return ResponderResult(statusCode: 200, body: [
                "id": .string(Self.id("sim", endpoint + model)), "object": "simulated", "model": .string(model),
                "note": .string("The simulator does not generate content for \(endpoint)."),
            ])
        }
    }

    // MARK: - Endpoints

    /// What a chat answer is made of: its id, the assistant's text and the usage.
    private struct ChatAnswer {
        let id: String
        let content: String
        let usage: BatchUsage
    }

    /// The parts of a chat answer, or `nil` when the body has no messages (the endpoint's 400).
    private static func chatAnswer(_ body: JSONValue, model: String) -> ChatAnswer? {
        guard let messages = body["messages"]?.arrayValue, !messages.isEmpty else { return nil }
        let texts = messages.map { text(of: $0["content"]) }
        let lastUser = messages.lastIndex { $0["role"]?.stringValue == "user" }
        return chatAnswer(texts: texts, lastUser: lastUser, model: model)
    }

    /// The answer to messages whose texts are `texts` (at least one), the last from the user at
    /// `lastUser`: the prompt is the texts joined by newlines, the user's text shapes the answer.
    private static func chatAnswer(texts: [String], lastUser: Int?, model: String) -> ChatAnswer {
        let prompt = texts.count == 1 ? texts[0] : texts.joined(separator: "\n")
        let user = lastUser.map { texts[$0] } ?? prompt
        let content = compose(prompt: user, context: prompt, model: model)
        return ChatAnswer(id: id("chatcmpl-", model, prompt), content: content, usage: usage(prompt: prompt, output: content))
    }

    /// A successful chat answer as the bytes `JSONWriter` writes for `respond`'s body (keys
    /// sorted), straight into `writer`: building the body's dictionaries, hashing and sorting their
    /// keys cost as much as the rest of a request. `nil` for anything else, which goes the usual way.
    func encodedChat(endpoint: String, body: JSONValue) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void)? {
        guard endpoint == "/v1/chat/completions", case .object = body,
              let model = body["model"]?.stringValue, !model.isEmpty,
              let answer = Self.chatAnswer(body, model: model) else { return nil }
        return Self.encoded(answer, model: model)
    }

    /// `encodedChat(endpoint:body:)` for a chat body already taken apart: the `model` (not empty),
    /// the text of each message (at least one) and the index of the last with the role `user`.
    func encodedChat(model: String, texts: [String], lastUser: Int?) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void) {
        Self.encoded(Self.chatAnswer(texts: texts, lastUser: lastUser, model: model), model: model)
    }

    private static func encoded(_ answer: ChatAnswer, model: String) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void) {
        let usage = answer.usage
        return (usage, { writer in
            writer.append("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null,\"message\":{\"annotations\":[],\"content\":")
            writer.write(answer.content)
            writer.append(",\"refusal\":null,\"role\":\"assistant\"}}],\"created\":0,\"id\":")
            writer.write(answer.id)
            writer.append(",\"model\":")
            writer.write(model)
            writer.append(",\"object\":\"chat.completion\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_simulator\",\"usage\":{\"completion_tokens\":")
            writer.append(String(usage.outputTokens))
            writer.append(",\"completion_tokens_details\":{\"audio_tokens\":0,\"reasoning_tokens\":0},\"prompt_tokens\":")
            writer.append(String(usage.inputTokens))
            writer.append(",\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":0},\"total_tokens\":")
            writer.append(String(usage.totalTokens))
            writer.append("}}")
        })
    }

    private func chat(_ body: JSONValue, model: String) -> ResponderResult {
        guard let answer = Self.chatAnswer(body, model: model) else {
            return .error(400, message: "Missing required parameter: 'messages'.", param: "messages", code: "missing_required_parameter")
        }
        let content = answer.content
        let usage = answer.usage
        // Objects built at their size: the dictionary literal merges into a growing dictionary.
        return ResponderResult(statusCode: 200, body: Self.object([
            "id": .string(answer.id),
            "object": "chat.completion",
            "created": 0,
            "model": .string(model),
            "choices": [Self.object([
                "index": 0,
                "message": Self.object(["role": "assistant", "content": .string(content), "refusal": nil, "annotations": []]),
                "logprobs": nil,
                "finish_reason": "stop",
            ])],
            "usage": Self.object([
                "prompt_tokens": .number(Double(usage.inputTokens)),
                "completion_tokens": .number(Double(usage.outputTokens)),
                "total_tokens": .number(Double(usage.totalTokens)),
                "prompt_tokens_details": Self.object(["cached_tokens": 0, "audio_tokens": 0]),
                "completion_tokens_details": Self.object(["reasoning_tokens": 0, "audio_tokens": 0]),
            ]),
            "service_tier": "default",
            "system_fingerprint": "fp_simulator",
        ]), usage: usage)
    }

    /// A JSON object of these members (the last of a repeated key wins, as with a literal).
    static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        var object = [String: JSONValue](minimumCapacity: members.count)
        for (key, value) in members { object[key] = value }
        return .object(object)
    }

    private func completion(_ body: JSONValue, model: String) -> ResponderResult {
        guard let promptValue = body["prompt"] else {
            return .error(400, message: "Missing required parameter: 'prompt'.", param: "prompt", code: "missing_required_parameter")
        }
        let prompt = Self.text(of: promptValue)
        let text = Self.compose(prompt: prompt, context: prompt, model: model)
        let usage = Self.usage(prompt: prompt, output: text)
        return ResponderResult(statusCode: 200, body: [
            "id": .string(Self.id("cmpl-", model, prompt)), "object": "text_completion", "created": 0, "model": .string(model),
            "choices": [["text": .string(text), "index": 0, "logprobs": nil, "finish_reason": "stop"]],
            "usage": [
                "prompt_tokens": .number(Double(usage.inputTokens)),
                "completion_tokens": .number(Double(usage.outputTokens)),
                "total_tokens": .number(Double(usage.totalTokens)),
            ],
        ], usage: usage)
    }

    private func responses(_ body: JSONValue, model: String) -> ResponderResult {
        guard let input = body["input"] else {
            return .error(400, message: "Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter")
        }
        let prompt: String
        if let items = input.arrayValue {
            prompt = items.map { Self.text(of: $0["content"] ?? $0) }.joined(separator: "\n")
        } else {
            prompt = Self.text(of: input)
        }
        let context = [body["instructions"].map { Self.text(of: $0) }, prompt].compactMap { $0 }.joined(separator: "\n")
        let text = Self.compose(prompt: prompt, context: context, model: model)
        let usage = Self.usage(prompt: context, output: text)
        return ResponderResult(statusCode: 200, body: [
            "id": .string(Self.id("resp_", model, context)), "object": "response", "created_at": 0, "status": "completed",
            "model": .string(model), "error": nil, "incomplete_details": nil,
            "output": [[
                "type": "message", "id": .string(Self.id("msg_", "msg" + model, context)), "status": "completed", "role": "assistant",
                "content": [["type": "output_text", "text": .string(text), "annotations": []]],
            ]],
            "usage": [
                "input_tokens": .number(Double(usage.inputTokens)),
                "input_tokens_details": ["cached_tokens": 0],
                "output_tokens": .number(Double(usage.outputTokens)),
                "output_tokens_details": ["reasoning_tokens": 0],
                "total_tokens": .number(Double(usage.totalTokens)),
            ],
        ], usage: usage)
    }

    private func embeddings(_ body: JSONValue, model: String) -> ResponderResult {
        guard let input = body["input"] else {
            return .error(400, message: "Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter")
        }
        let texts: [String]
        switch input {
        case .string(let text): texts = [text]
        case .array(let items):
            if items.allSatisfy({ $0.stringValue != nil }) {
                texts = items.compactMap(\.stringValue)
            } else if items.allSatisfy({ $0.intValue != nil }) {
                texts = [items.compactMap(\.intValue).map(String.init).joined(separator: " ")]
            } else {
                texts = items.map { Self.text(of: $0) }
            }
        default:
            return .error(400, message: "'input' must be a string or an array.", param: "input")
        }
        guard !texts.isEmpty else { return .error(400, message: "'input' must not be empty.", param: "input") }
        let dimensions = max(1, min(body["dimensions"]?.intValue ?? 16, 4096))
        let data: [JSONValue] = texts.enumerated().map { index, text in
            ["object": "embedding", "index": .number(Double(index)), "embedding": .array(Self.vector(text, dimensions).map(JSONValue.number))]
        }
        let tokens = texts.reduce(0) { $0 + Self.tokens($1) }
        return ResponderResult(statusCode: 200, body: [
            "object": "list", "data": .array(data), "model": .string(model),
            "usage": ["prompt_tokens": .number(Double(tokens)), "total_tokens": .number(Double(tokens))],
        ], usage: BatchUsage(inputTokens: tokens))
    }

    private func moderation(_ body: JSONValue, model: String) -> ResponderResult {
        let count = body["input"]?.arrayValue?.count ?? 1
        let result: JSONValue = ["flagged": false, "categories": [:], "category_scores": [:]]
        return ResponderResult(statusCode: 200, body: [
            "id": .string(Self.id("modr-", model + String(count))), "model": .string(model),
            "results": .array(Array(repeating: result, count: count)),
        ])
    }

    // MARK: - Text

    /// The text of a message `content`: a string, or the `text` of its parts.
    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?: return parts.map { $0["text"]?.stringValue ?? $0.stringValue ?? "" }.joined(separator: "\n")
        case .object?: return content?["text"]?.stringValue ?? ""
        default: return ""
        }
    }

    /// Markdown, or PlantUML when the prompt asks for a diagram. Only the first KiB of the prompt
    /// shape the text, so a request costs the same whatever its size (the simulator's overhead stays
    /// far below the cost of reading the file).
    static func compose(prompt: String, context: String, model: String) -> String {
        // An ask for a diagram sits in the system prompt or near the start of the user's.
        let promptHead = prefixBytes(prompt, 1024)
        var lowered = prefixBytes(context, 1024)
        if context.utf8.count != prompt.utf8.count {  // otherwise the context is the prompt itself
            lowered.append(0x0A)
            lowered.append(contentsOf: promptHead)
        }
        lowered.withUnsafeMutableBufferPointer { buffer in
            // Without a branch, so the loop vectorizes: A-Z are the bytes with `byte - 0x41 < 26`.
            for index in buffer.indices {
                let byte = buffer[index]
                buffer[index] = byte | (byte &- 0x41 < 26 ? 0x20 : 0)
            }
        }
        let wantsDiagram = anchoredMarkers.contains { containsLowercased(lowered, $0.marker, anchor: $0.anchor) }
        let head = String(decoding: promptHead, as: UTF8.self)
        return wantsDiagram ? plantUML(prompt: head) : markdown(prompt: head, bytes: prompt.utf8.count, model: model)
    }

    static let diagramMarkers: [[UInt8]] = ["plantuml", "@startuml", "diagram", " uml", "sequence chart"].map { Array($0.utf8) }
    /// Each marker with the offset of its rarest byte, worked out once.
    static let anchoredMarkers: [(marker: [UInt8], anchor: Int)] = diagramMarkers.map { ($0, rarestByteOffset($0)) }

    /// Whether `haystack` contains `needle` (lowercase ASCII), ignoring ASCII case.
    static func containsASCIICaseInsensitive(_ haystack: String.UTF8View, _ needle: [UInt8]) -> Bool {
        containsLowercased(lowercasedASCII(haystack), needle)
    }

    static func lowercasedASCII(_ text: String.UTF8View) -> [UInt8] {
        text.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
    }

    static func containsLowercased(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        containsLowercased(bytes, needle, anchor: rarestByteOffset(needle))
    }

    /// Whether `bytes` contain `needle`, searched from the needle's byte at `anchor`.
    static func containsLowercased(_ bytes: [UInt8], _ needle: [UInt8], anchor: Int) -> Bool {
        guard !needle.isEmpty else { return true }
        guard bytes.count >= needle.count else { return false }
        // memchr for the needle's rarest byte, memcmp for the whole: a generic slice scan with
        // `elementsEqual` at every candidate cost more than the rest of composing an answer, and
        // anchoring on the first byte stopped at every space (" uml") or every "s" ("sequence").
        return bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let base = haystack.baseAddress, let wanted = needle.baseAddress else { return false }
                var start = 0  // where the next window may begin
                let last = haystack.count - needle.count
                while start <= last {
                    guard let hit = memchr(base + start + anchor, Int32(wanted[anchor]), last - start + 1) else { return false }
                    let found = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                    if memcmp(base + found, wanted, needle.count) == 0 { return true }
                    start = found + 1
                }
                return false
            }
        }
    }

    /// The offset of the byte of `needle` least frequent in English text (letters by their usual
    /// ranking, a space as the most frequent, anything else as rarer than any letter).
    static func rarestByteOffset(_ needle: [UInt8]) -> Int {
        func rank(_ byte: UInt8) -> Int {
            if byte == 0x20 { return -1 }
            return letterFrequency.firstIndex(of: byte) ?? letterFrequency.count
        }
        var best = 0
        for index in needle.indices where rank(needle[index]) > rank(needle[best]) { best = index }
        return best
    }

    private static let letterFrequency = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)

    /// The non-empty lines of a text, trimmed of spaces and of `trim`, worked out on bytes (Foundation's
    /// trimming and String's generic decoding cost more than the rest of a request).
    static func lines(_ text: String, trimming trim: [UInt8] = [], limit: Int = .max) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var result: [String] = []
            var start = 0
            let strip = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || trim.contains(byte) }
            while start <= bytes.count, result.count < limit {
                var end = bytes.count
                if start < bytes.count, let base = bytes.baseAddress, let newline = memchr(base + start, 0x0A, bytes.count - start) {
                    end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                }
                var low = start
                var high = end
                while low < high, strip(bytes[low]) { low += 1 }
                while high > low, strip(bytes[high - 1]) { high -= 1 }
                if low < high { result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[low..<high]), as: UTF8.self)) }
                start = end + 1
            }
            return result
        }
    }

    static func title(of prompt: String) -> String {
        clip(lines(prompt, trimming: Array("#>*-".utf8), limit: 1).first ?? "Response", 80)
    }

    static func markdown(prompt: String, bytes: Int, model: String) -> String {
        let lines = lines(prompt)
        var seen = Set<String>()
        let points = lines.dropFirst().filter { seen.insert($0).inserted }.prefix(5).map { "- " + clip($0, 120) }
        let summary = clip(lines.prefix(8).joined(separator: " "), 400)
        var text = "# \(title(of: prompt))\n\n"
        text += "## Summary\n\n\(summary.isEmpty ? "(empty prompt)" : summary)\n\n"
        if !points.isEmpty { text += "## Key points\n\n" + points.joined(separator: "\n") + "\n\n" }
        text += "## Notes\n\nGenerated by the batch-openai simulator for model `\(model)` from a prompt of \(bytes) bytes.\n"
        return text
    }

    static func plantUML(prompt: String) -> String {
        // Eagerly: as a lazy filter, `seen.insert` ran again on every pass over the sequence, so
        // the names were always dropped ("Service"/"Store") and four or more crashed the process.
        var seen = Set<String>()
        var candidates: [String] = []
        for word in prompt.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }) where candidates.count < 4 {
            let name = String(word)
            guard name.count > 3, name.first?.isUppercase == true, !Self.instructionWords.contains(name.lowercased()),
                  seen.insert(name).inserted else { continue }
            candidates.append(name)
        }
        let participants = candidates.isEmpty ? ["Service", "Store"] : candidates
        var lines = ["@startuml", "title \(title(of: prompt).replacingOccurrences(of: "\"", with: "'"))", "actor User"]
        for (index, name) in participants.enumerated() { lines.append("participant \"\(name)\" as P\(index + 1)") }
        lines.append("User -> P1: request")
        for index in 1..<max(participants.count, 1) where index < participants.count {
            lines.append("P\(index) -> P\(index + 1): \(participants[index].lowercased())")
        }
        lines.append("P1 --> User: result")
        lines.append("@enduml")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Words that ask for the diagram rather than name something in it.
    static let instructionWords: Set<String> = [
        "draw", "create", "make", "write", "show", "generate", "please", "give", "explain", "describe", "produce",
        "this", "that", "there", "with", "from", "diagram", "sequence", "plantuml", "desenhe", "crie", "gere", "diagrama",
    ]

    /// The text cut to `length` characters (the last one an ellipsis) when it is longer.
    static func clip(_ text: String, _ length: Int) -> String {
        if text.utf8.count <= length { return text }  // bytes ≥ characters: surely short enough
        guard length > 0 else { return text.count <= length ? text : String(text.prefix(length - 1)) + "…" }
        // Counting every character of a long prompt was a tenth of a request's cost; only the
        // first `length + 1` matter. When those bytes are ASCII without a CR, each byte is one
        // character (a CR may pair with an LF; a non-ASCII byte may extend the one before it).
        var text = text
        let fast: String? = text.withUTF8 { utf8 in
            for index in 0...length where utf8[index] >= 0x80 || utf8[index] == 0x0D { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: utf8[0..<(length - 1)]), as: UTF8.self) + "…"
        }
        if let fast { return fast }
        // Otherwise walk characters, at most `length + 1` of them: longer than `length` when two
        // or more follow the first `length - 1`.
        guard let cut = text.index(text.startIndex, offsetBy: length - 1, limitedBy: text.endIndex),
              cut < text.endIndex, text.index(after: cut) < text.endIndex else { return text }
        return String(text[..<cut]) + "…"
    }

    /// About four bytes of text per token, as OpenAI's rule of thumb says.
    static func tokens(_ text: String) -> Int { max(1, (text.utf8.count + 3) / 4) }

    static func usage(prompt: String, output: String) -> BatchUsage {
        BatchUsage(inputTokens: tokens(prompt), outputTokens: tokens(output))
    }

    /// FNV-1a of the text.
    static func hash(_ text: String) -> UInt64 {
        hash(bytes: prefixBytes(text, .max))
    }

    static func hash(bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    /// FNV-1a of the first `count` bytes of a text's UTF-8, read in place.
    static func hash(prefix text: String, _ count: Int) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes.prefix(count) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
    }

    /// The first `count` bytes of a text's UTF-8, copied in one go.
    static func prefixBytes(_ text: String, _ count: Int) -> [UInt8] {
        if let bytes = text.utf8.withContiguousStorageIfAvailable({ Array($0.prefix(count)) }) { return bytes }
        return Array(text.utf8.prefix(count))
    }

    static func vector(_ text: String, _ dimensions: Int) -> [Double] {
        var generator = SeededGenerator(seed: hash(text))
        let raw = (0..<dimensions).map { _ in generator.nextUnit() * 2 - 1 }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { norm > 0 ? ($0 / norm * 1e6).rounded() / 1e6 : 0 }
    }

    /// A deterministic id from the request's text, so the same request gets the same answer.
    static func id(_ prefix: String, _ seed: String, _ text: String = "") -> String {
        let mixed = hash(prefix: seed, 256) ^ (hash(prefix: text, 512) &* 31) ^ UInt64(text.utf8.count)
        let hex = String(mixed, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

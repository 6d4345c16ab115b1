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
    struct ChatAnswer {
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
    ///
    /// The joined prompt itself is never built: only its first KiB (the text's shape, the id) and
    /// its length (the usage) matter, and copying a 4 KB message cost more than reading its head.
    static func chatAnswer(texts: [String], lastUser: Int?, model: String) -> ChatAnswer {
        // Each text's head copied once (a KiB at most): the answer is then made as from a file's lines.
        let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, texts.count * textHeadBytes))
        defer { scratch.deallocate() }
        let heads = texts.enumerated().map { index, text in
            var text = text
            return text.withUTF8 { bytes in
                let count = min(bytes.count, textHeadBytes)
                let room = UnsafeMutableBufferPointer(rebasing: scratch[(index * textHeadBytes)..<(index * textHeadBytes + count)])
                _ = room.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: bytes.prefix(count)))
                return TextHead(bytes: UnsafeBufferPointer(room), count: bytes.count)
            }
        }
        return chatAnswer(heads: heads, lastUser: lastUser, model: model)
    }

    /// The answer from the head of the user's text and the head of the joined prompt (`headBytes`
    /// at most), with the full lengths of both.
    static func chatAnswer(user: PromptHead, userBytes: Int, prompt: UnsafeBufferPointer<UInt8>, promptBytes: Int, model: String) -> ChatAnswer {
        let content = compose(head: user, bytes: userBytes, contextHead: prompt, contextBytes: promptBytes, model: model)
        let id = id("chatcmpl-", model, head: UnsafeBufferPointer(rebasing: prompt.prefix(idTextBytes)), bytes: promptBytes)
        return ChatAnswer(id: id, content: content, usage: BatchUsage(inputTokens: tokens(bytes: promptBytes), outputTokens: tokens(content)))
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

    static func encoded(_ answer: ChatAnswer, model: String) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void) {
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

    /// How much of the prompt shapes the text: only the first KiB, so a request costs the same
    /// whatever its size (the simulator's overhead stays far below the cost of reading the file).
    static let headBytes = 1024

    /// Markdown, or PlantUML when the prompt asks for a diagram (see `headBytes`).
    static func compose(prompt: String, context: String, model: String) -> String {
        var context = context
        return context.withUTF8 { context in
            compose(head: PromptHead(prompt), bytes: prompt.utf8.count,
                    contextHead: UnsafeBufferPointer(rebasing: context.prefix(headBytes)), contextBytes: context.count, model: model)
        }
    }

    /// `compose` from the head of the user's text (which is `bytes` long) and the first bytes (at
    /// most `headBytes`) of the context, the whole prompt, which is `contextBytes` long. The answer
    /// is built from byte ranges of the head: the `String`s of lines, a `Set` of them and their
    /// concatenation cost most of a chat request.
    static func compose(head: PromptHead, bytes: Int, contextHead: UnsafeBufferPointer<UInt8>, contextBytes: Int, model: String) -> String {
        head.withBytes { headBytes in
            // An ask for a diagram sits in the system prompt or near the start of the user's. When
            // the lengths agree the context is the user's text itself, searched once.
            if asksForDiagram(contextHead, then: contextBytes != bytes ? headBytes : nil) {
                return plantUML(head: head, headBytes)
            }
            return markdown(head: head, headBytes, bytes: bytes, model: model)
        }
    }

    /// The part of a prompt that shapes the answer, its first `headBytes` in whole scalars: the
    /// first `count` bytes of `text`, a `String` the answer's pieces are copied from (appending a
    /// slice of a `String` copies bytes; making one from bytes validates them again).
    struct PromptHead {
        let text: String
        let count: Int

        /// The head of `prompt`: the prompt itself, or a copy when `headBytes` cut a scalar, whose
        /// first bytes become one U+FFFD (as `String(decoding:)` of the prefix gives).
        init(_ prompt: String) {
            var prompt = prompt
            let bytes = prompt.utf8.count
            if bytes > headBytes, prompt.withUTF8({ $0[headBytes] & 0xC0 == 0x80 }) {
                self.init(decoding: prompt.utf8.prefix(headBytes))
            } else {
                self.init(text: prompt, count: min(bytes, headBytes))
            }
        }

        /// All of `bytes`, decoded (a cut scalar's bytes become U+FFFD).
        init(decoding bytes: some Collection<UInt8>) {
            let text = String(decoding: bytes, as: UTF8.self)
            self.init(whole: text)
        }

        /// All of `text`, however long.
        init(whole text: String) {
            self.init(text: text, count: text.utf8.count)
        }

        /// The first `count` bytes of `text`, which end on a scalar's boundary.
        init(text: String, count: Int) {
            self.text = text
            self.count = count
        }

        /// `body` on the head's bytes, read in place.
        func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            var text = text
            return text.withUTF8 { body(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
        }

        /// The text of a byte range on scalar boundaries.
        subscript(range: Range<Int>) -> Substring {
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return text[start..<utf8.index(start, offsetBy: range.count)]
        }
    }

    /// Whether the context's head, followed by a newline and the user's head when given, holds a
    /// diagram marker in any ASCII case. Lowered in a copy on the stack.
    static func asksForDiagram(_ context: UnsafeBufferPointer<UInt8>, then user: UnsafeBufferPointer<UInt8>?) -> Bool {
        let count = context.count + (user.map { 1 + $0.count } ?? 0)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var filled = buffer.initialize(fromContentsOf: context)
            if let user {
                buffer[filled] = 0x0A
                filled += 1
                filled += UnsafeMutableBufferPointer(rebasing: buffer[filled...]).initialize(fromContentsOf: user)
            }
            // Without a branch, so the loop vectorizes: A-Z are the bytes with `byte - 0x41 < 26`.
            for index in 0..<filled {
                let byte = buffer[index]
                buffer[index] = byte | (byte &- 0x41 < 26 ? 0x20 : 0)
            }
            return holdsDiagramMarker(UnsafeBufferPointer(rebasing: buffer[..<filled]))
        }
    }

    static let diagramMarkers: [[UInt8]] = ["plantuml", "@startuml", "diagram", " uml", "sequence chart"].map { Array($0.utf8) }

    /// Whether lowercase bytes hold one of `diagramMarkers`. Three of them end in "uml": that is
    /// searched once and what comes before it checked, rather than three searches that each
    /// stop at every hit of their rarest letter ("p" is in every "api").
    static func holdsDiagramMarker(_ lowered: UnsafeBufferPointer<UInt8>) -> Bool {
        if otherMarkers.contains(where: { containsLowercased(lowered, $0.marker, anchor: $0.anchor) }) { return true }
        var start = 0
        while let found = firstIndex(of: uml.marker, anchor: uml.anchor, in: lowered, from: start) {
            for before in umlPrefixes where found >= before.count {
                if lowered[(found - before.count)..<found].elementsEqual(before) { return true }
            }
            start = found + 1
        }
        return false
    }

    private static let uml = (marker: Array("uml".utf8), anchor: rarestByteOffset(Array("uml".utf8)))
    /// What precedes "uml" in "plantuml", "@startuml" and " uml".
    private static let umlPrefixes = ["plant", "@start", " "].map { Array($0.utf8) }
    /// The markers that do not end in "uml", each with the offset of its rarest byte.
    private static let otherMarkers = ["diagram", "sequence chart"].map { (marker: Array($0.utf8), anchor: rarestByteOffset(Array($0.utf8))) }

    static func containsLowercased(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { containsLowercased($0, needle, anchor: rarestByteOffset(needle)) }
    }

    /// Whether `bytes` contain `needle`, searched from the needle's byte at `anchor`.
    static func containsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], anchor: Int) -> Bool {
        needle.isEmpty || firstIndex(of: needle, anchor: anchor, in: bytes, from: 0) != nil
    }

    /// Where `needle` (not empty) first occurs in `bytes` at or after `start`, searched from the
    /// needle's byte at `anchor`.
    static func firstIndex(of needle: [UInt8], anchor: Int, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        // memchr for the needle's rarest byte, memcmp for the whole: a generic slice scan with
        // `elementsEqual` at every candidate cost more than the rest of composing an answer, and
        // anchoring on the first byte stopped at every space (" uml") or every "s" ("sequence").
        return needle.withUnsafeBufferPointer { needle in
            guard let base = bytes.baseAddress, let wanted = needle.baseAddress else { return nil }
            var start = start  // where the next window may begin
            let last = bytes.count - needle.count
            while start <= last {
                guard let hit = memchr(base + start + anchor, Int32(wanted[anchor]), last - start + 1) else { return nil }
                let found = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - anchor
                // The last bytes first, inline: most hits of a common letter end there.
                if base[found + needle.count - 1] == wanted[needle.count - 1], memcmp(base + found, wanted, needle.count) == 0 { return found }
                start = found + 1
            }
            return nil
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

    /// The non-empty lines of a text, trimmed of spaces and of `trim` (see `LineScanner`).
    static func lines(_ text: String, trimming trim: [UInt8] = [], limit: Int = .max) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = LineScanner(bytes, trimming: LineScanner.mask(trim))
            var result: [String] = []
            while result.count < limit, let line = scanner.next() {
                result.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[line]), as: UTF8.self))
            }
            return result
        }
    }

    /// What a title line is also trimmed of: Markdown's heading, quote and list marks.
    static let titleTrim = LineScanner.mask(Array("#>*-".utf8))

    /// The first line of the prompt without its Markdown marks, clipped to 80 characters.
    static func title(of prompt: String) -> String {
        let head = PromptHead(whole: prompt)
        var title = ""
        head.withBytes { appendTitle(of: head, $0, to: &title) }
        return title
    }

    /// Appends the title of `head`, whose bytes are `bytes`.
    static func appendTitle(of head: PromptHead, _ bytes: UnsafeBufferPointer<UInt8>, to text: inout String) {
        var scanner = LineScanner(bytes, trimming: titleTrim)
        if let line = scanner.next() {
            appendClipped(head, bytes, line, 80, to: &text)
        } else {
            text.append("Response")
        }
    }

    /// The Markdown answer made from all of `prompt` (a head already), of a prompt `bytes` long.
    static func markdown(prompt: String, bytes: Int, model: String) -> String {
        let head = PromptHead(whole: prompt)
        return head.withBytes { markdown(head: head, $0, bytes: bytes, model: model) }
    }

    /// A title, a summary (the first eight lines), up to five key points (the first distinct lines
    /// after the first) and a note, from `head` (whose bytes are `headBytes`) of a prompt `bytes` long.
    static func markdown(head: PromptHead, _ headBytes: UnsafeBufferPointer<UInt8>, bytes: Int, model: String) -> String {
        var text = ""
        // Title, summary and points at most when ASCII (80 + 400 + 5 × 122 bytes) and the words around.
        text.reserveCapacity(1_300 + model.utf8.count)
        text.append("# ")
        appendTitle(of: head, headBytes, to: &text)
        text.append("\n\n## Summary\n\n")
        let summary = text.utf8.count
        var lines = LineScanner(headBytes)
        for index in 0..<8 {
            guard let line = lines.next() else { break }
            if index > 0 { text.append(" ") }
            text.append(contentsOf: head[line])
        }
        if text.utf8.count == summary {
            text.append("(empty prompt)")
        } else {
            clipTail(of: &text, from: summary, 400)
        }
        text.append("\n\n")
        let points = keyPoints(headBytes)
        if !points.isEmpty {
            text.append("## Key points\n\n")
            for point in points {
                text.append("- ")
                appendClipped(head, headBytes, point, 120, to: &text)
                text.append("\n")
            }
            text.append("\n")
        }
        text.append("## Notes\n\nGenerated by the batch-openai simulator for model `")
        text.append(model)
        text.append("` from a prompt of ")
        text.append(String(bytes))
        text.append(" bytes.\n")
        return text
    }

    /// The first five distinct lines after the first (which may come again among them).
    static func keyPoints(_ head: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var points: [(range: Range<Int>, bytes: UnsafeBufferPointer<UInt8>, isNFC: Bool)] = []
        var lines = LineScanner(head)
        _ = lines.next()
        // Until five are found, the lines seen so far are the points: a new line is checked against those.
        while points.count < 5, let range = lines.next() {
            let line = UnsafeBufferPointer(rebasing: head[range])
            let isNFC = isLatin1(line)
            let seen = points.contains { point in
                if sameBytes(point.bytes, line) { return true }
                // NFC text is equal only to the same bytes; elsewhere different bytes may still be
                // equal `String`s (canonically equivalent): "é" as one scalar or as "e" and a
                // combining accent, or even the Kelvin sign and "K".
                if point.isNFC && isNFC { return false }
                return String(decoding: point.bytes, as: UTF8.self) == String(decoding: line, as: UTF8.self)
            }
            if !seen { points.append((range, line, isNFC)) }
        }
        return points.map(\.range)
    }

    static func sameBytes(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        guard first.count == second.count else { return false }
        guard let one = first.baseAddress, let other = second.baseAddress else { return true }  // both empty
        return memcmp(one, other, first.count) == 0
    }

    /// Whether UTF-8 holds only ASCII and Latin-1 scalars (no byte above 0xC3), which make text in
    /// NFC; one pass without a branch, which vectorizes.
    static func isLatin1(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.reduce(0, max) <= 0xC3
    }

    /// The PlantUML answer made from all of `prompt` (a head already).
    static func plantUML(prompt: String) -> String {
        let head = PromptHead(whole: prompt)
        return head.withBytes { plantUML(head: head, $0) }
    }

    /// A sequence diagram between the user and the first four names in `head` (whose bytes are
    /// `headBytes`), titled as the Markdown answer would be.
    static func plantUML(head: PromptHead, _ headBytes: UnsafeBufferPointer<UInt8>) -> String {
        // In ASCII characters are bytes: words, names and quotes are found without the cost of
        // grapheme breaking and Unicode properties (most of a diagram answer's cost).
        let ascii = !headBytes.contains { $0 >= 0x80 }
        let names = ascii ? asciiNames(headBytes) : characterNames(String(head[0..<head.count]))
        let participants = names.isEmpty ? ["Service", "Store"] : names
        var title = ""
        appendTitle(of: head, headBytes, to: &title)
        if !ascii {
            // Foundation compares characters, not bytes: a quote with a combining mark stays.
            title = title.replacingOccurrences(of: "\"", with: "'")
        } else if title.utf8.contains(UInt8(ascii: "\"")) {
            title = String(decoding: title.utf8.map { $0 == UInt8(ascii: "\"") ? UInt8(ascii: "'") : $0 }, as: UTF8.self)
        }
        var text = "@startuml\ntitle "
        text.reserveCapacity(400)
        text.append(title)
        text.append("\nactor User\n")
        for (index, name) in participants.enumerated() { text.append("participant \"\(name)\" as P\(index + 1)\n") }
        text.append("User -> P1: request\n")
        for index in participants.indices.dropFirst() {
            text.append("P\(index) -> P\(index + 1): \(participants[index].lowercased())\n")
        }
        text.append("P1 --> User: result\n@enduml\n")
        return text
    }

    /// The first four names in ASCII text: words (letters, digits, `_`) longer than three
    /// characters, capitalised, not asking for the diagram, each once.
    static func asciiNames(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 || byte == UInt8(ascii: "_")
        }
        var names: [String] = []
        var index = 0
        while index < bytes.count, names.count < 4 {
            guard isWordByte(bytes[index]) else {
                index += 1
                continue
            }
            let start = index
            while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
            guard index - start > 3, bytes[start] &- 0x41 < 26 else { continue }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard !instructionWords.contains(name.lowercased()), !names.contains(name) else { continue }
            names.append(name)
        }
        return names
    }

    /// `asciiNames` for any text, by characters and their Unicode properties.
    static func characterNames(_ prompt: String) -> [String] {
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
        return candidates
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
        var text = text
        switch text.withUTF8({ cut($0, length) }) {
        case .none: return text
        case .at(let end): return String(decoding: text.utf8.prefix(end), as: UTF8.self) + "…"
        case .unknown: break
        }
        // Walk characters, at most `length + 1` of them: longer than `length` when two or more
        // follow the first `length - 1`.
        guard let cut = text.index(text.startIndex, offsetBy: length - 1, limitedBy: text.endIndex),
              cut < text.endIndex, text.index(after: cut) < text.endIndex else { return text }
        return String(text[..<cut]) + "…"
    }

    /// Where `clip` cuts UTF-8 text, when bytes tell.
    enum Cut: Equatable {
        /// Not longer than the length: kept whole.
        case none
        /// Cut after this many bytes, an ellipsis after them.
        case at(Int)
        /// Only characters tell.
        case unknown
    }

    /// `clip`'s cut of UTF-8 text at `length` (more than 0) characters, worked out on the bytes up
    /// to the `length + 1`th scalar when each of those is a character of its own: ASCII or
    /// Latin-1 (no UTF-8 byte above 0xC3, whose scalars may extend the one before) and no CR (which
    /// pairs with an LF). Counting every character of a long prompt was a tenth of a request's cost.
    static func cut(_ bytes: UnsafeBufferPointer<UInt8>, _ length: Int) -> Cut {
        guard bytes.count > length else { return .none }  // bytes ≥ characters
        if isPlainASCII(UnsafeBufferPointer(rebasing: bytes[...length])) { return .at(length - 1) }
        var scalars = 0
        var end = 0  // where the `length`th scalar starts
        for (offset, byte) in bytes.enumerated() {
            guard byte <= 0xC3, byte != 0x0D else { return .unknown }
            guard byte & 0xC0 != 0x80 else { continue }  // a scalar's continuation byte
            if scalars == length - 1 { end = offset }
            scalars += 1
            if scalars > length { return .at(end) }
        }
        return .none
    }

    /// Whether the bytes are ASCII without a CR, eight at a time (a loop over bytes, which did not
    /// vectorize, was a tenth of an answer's cost).
    static func isPlainASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // `(x - ones) & ~x & highs` is not zero exactly when a byte of x is zero (a borrow
            // can only mark bytes above a zero one), and `word ^ CRs` is zero where `word` has a CR.
            let carriageReturns = word ^ (ones &* 0x0D)
            if word & highs != 0 || (carriageReturns &- ones) & ~carriageReturns & highs != 0 { return false }
            offset += 8
        }
        return raw[offset...].allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }

    /// Appends the bytes of `head` in `range` (on scalar boundaries) clipped as `clip` clips them.
    static func appendClipped(_ head: PromptHead, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ length: Int, to text: inout String) {
        switch cut(UnsafeBufferPointer(rebasing: bytes[range]), length) {
        case .none: text.append(contentsOf: head[range])
        case .at(let end):
            text.append(contentsOf: head[range.lowerBound..<(range.lowerBound + end)])
            text.append("…")
        case .unknown: text.append(clip(String(head[range]), length))
        }
    }

    /// Clips `text` after its first `start` bytes (a scalar boundary) as `clip` clips it.
    static func clipTail(of text: inout String, from start: Int, _ length: Int) {
        let tailCut = text.withUTF8 { Self.cut(UnsafeBufferPointer(rebasing: $0[start...]), length) }
        let tail = text.utf8.index(text.startIndex, offsetBy: start)
        switch tailCut {
        case .none: break
        case .at(let end):
            text.removeSubrange(text.utf8.index(tail, offsetBy: end)...)
            text.append("…")
        case .unknown:
            let clipped = clip(String(text[tail...]), length)
            text.replaceSubrange(tail..., with: clipped)
        }
    }

    /// About four bytes of text per token, as OpenAI's rule of thumb says.
    static func tokens(_ text: String) -> Int { tokens(bytes: text.utf8.count) }

    static func tokens(bytes: Int) -> Int { max(1, (bytes + 3) / 4) }

    static func usage(prompt: String, output: String) -> BatchUsage {
        BatchUsage(inputTokens: tokens(prompt), outputTokens: tokens(output))
    }

    // MARK: - Hashes and ids

    /// A hash of the whole text (embeddings are seeded with it).
    static func hash(_ text: String) -> UInt64 {
        hash(prefix: text, .max)
    }

    static func hash(bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash(bytes: $0) }
    }

    /// The hash of the first `count` bytes of a text's UTF-8, read in place.
    static func hash(prefix text: String, _ count: Int) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(bytes: UnsafeBufferPointer(rebasing: $0.prefix(count))) }
    }

    /// A 64-bit hash of bytes taken eight at a time: FNV-1a a byte at a time was a chain of 768
    /// dependent multiplies per chat id. Each step is a bijection of the state for a given word and
    /// of the word for a given state, so texts of one length that differ in a single word never
    /// collide; the length seeds the state, so a shorter text padded with zeros differs too.
    static func hash(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let seed = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        // Four chains over 32-byte blocks, independent so their multiplies overlap, then folded
        // into one in order (not symmetrically, so words swapped between chains still differ).
        var lanes = (seed, seed &+ 1, seed &+ 2, seed &+ 3)
        var offset = 0
        while offset + 32 <= raw.count {
            lanes = (mix(lanes.0, word(offset)), mix(lanes.1, word(offset + 8)), mix(lanes.2, word(offset + 16)), mix(lanes.3, word(offset + 24)))
            offset += 32
        }
        var state = mix(mix(mix(mix(seed, lanes.0), lanes.1), lanes.2), lanes.3)
        while offset + 8 <= raw.count {
            state = mix(state, word(offset))
            offset += 8
        }
        if offset < raw.count {
            var tail: UInt64 = 0  // the last one to seven bytes, little-endian, zero-padded
            for (shift, byte) in raw[offset...].enumerated() { tail |= UInt64(byte) << (8 * shift) }
            state = mix(state, tail)
        }
        // SplitMix64's finalizer, so every input bit reaches every output bit.
        state = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
        state = (state ^ (state >> 27)) &* 0x94D0_49BB_1331_11EB
        return state ^ (state >> 31)
    }

    /// One step of `hash(bytes:)`: xor the word in, multiply by an odd constant, fold the high half down.
    private static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let product = (state ^ word) &* 0x9FB2_1C65_1E98_DF25
        return product ^ (product >> 32)
    }

    static func vector(_ text: String, _ dimensions: Int) -> [Double] {
        var generator = SeededGenerator(seed: hash(text))
        let raw = (0..<dimensions).map { _ in generator.nextUnit() * 2 - 1 }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { norm > 0 ? ($0 / norm * 1e6).rounded() / 1e6 : 0 }
    }

    /// How much of a request's text an id depends on (and on its length).
    static let idTextBytes = 512

    /// A deterministic id from the request's text, so the same request gets the same answer.
    static func id(_ prefix: String, _ seed: String, _ text: String = "") -> String {
        var text = text
        return text.withUTF8 { id(prefix, seed, head: UnsafeBufferPointer(rebasing: $0.prefix(idTextBytes)), bytes: $0.count) }
    }

    /// `id` from the first `idTextBytes` of the text (`head`) and its length in bytes: `prefix`,
    /// then 16 lowercase hex digits.
    static func id(_ prefix: String, _ seed: String, head: UnsafeBufferPointer<UInt8>, bytes: Int) -> String {
        let mixed = hash(prefix: seed, 256) ^ (hash(bytes: head) &* 31) ^ UInt64(bytes)
        var prefix = prefix
        return prefix.withUTF8 { prefix in
            String(unsafeUninitializedCapacity: prefix.count + 16) { buffer in
                let digits = buffer.initialize(fromContentsOf: prefix)
                for index in 0..<16 { buffer[digits + index] = hexDigits[Int((mixed >> (60 - 4 * index)) & 0xF)] }
                return digits + 16
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The non-empty lines of UTF-8 bytes, as ranges, trimmed of spaces, tabs, CRs and `trim`, each
/// end found with memchr (Foundation's trimming and String's generic decoding cost more than the
/// rest of a request).
private struct LineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The bytes to trim, all below 64 (whitespace and Markdown's marks are), as bits: unlike an
    /// array, a mask costs no reference counting in the scanner's loop.
    private let trim: UInt64
    private var start = 0  // where the next line begins

    /// Lines trimmed of spaces, tabs, CRs and the bytes of `trim` (a `mask`).
    init(_ bytes: UnsafeBufferPointer<UInt8>, trimming trim: UInt64 = 0) {
        self.bytes = bytes
        self.trim = trim | Self.whitespace
    }

    private static let whitespace = mask([0x20, 0x09, 0x0D])

    /// The mask of bytes (each below 64) that `init` takes.
    static func mask(_ bytes: [UInt8]) -> UInt64 {
        precondition(bytes.allSatisfy { $0 < 64 }, "only bytes below 64 can be trimmed")
        return bytes.reduce(0) { $0 | 1 << $1 }
    }

    mutating func next() -> Range<Int>? {
        while start <= bytes.count {
            var end = bytes.count
            if start < bytes.count, let base = bytes.baseAddress, let newline = memchr(base + start, 0x0A, bytes.count - start) {
                end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            var low = start
            var high = end
            while low < high, strips(bytes[low]) { low += 1 }
            while high > low, strips(bytes[high - 1]) { high -= 1 }
            start = end + 1
            if low < high { return low..<high }
        }
        return nil
    }

    private func strips(_ byte: UInt8) -> Bool {
        byte < 64 && trim & (1 << byte) != 0
    }
}

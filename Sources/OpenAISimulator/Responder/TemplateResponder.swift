import Foundation
import Glibc
import JSON
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

    /// `true`: its usage is made up; the simulator bills with the service's token counter instead.
    public var billsWithTokenCounter: Bool { true }

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
    /// `promptTokens`, when given, is the usage's `prompt_tokens` (the configured counter's count).
    func encodedChat(endpoint: String, body: JSONValue, promptTokens: Int? = nil) -> (usage: BatchUsage, write: (inout JSONWriter) -> Void)? {
        guard endpoint == "/v1/chat/completions", case .object = body,
              let model = body["model"]?.stringValue, !model.isEmpty,
              let answer = Self.chatAnswer(body, model: model) else { return nil }
        return Self.encoded(answer.billing(promptTokens), model: model)
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
}

import JSON
import OpenAIClient

extension ResponderResult {
    /// This answer with `promptTokens` input tokens: its `usage` and its body's usage object
    /// (`prompt_tokens` or, for the responses API, `input_tokens`, and `total_tokens`). The template
    /// responder's own figure is a byte-based guess; the processor bills what the configured counter says.
    func billing(promptTokens: Int) -> ResponderResult {
        guard isSuccess, var usage, case .object(var body) = body, case .object(var counts)? = body["usage"] else { return self }
        usage.inputTokens = promptTokens
        usage.totalTokens = promptTokens + usage.outputTokens
        counts[counts["input_tokens"] != nil ? "input_tokens" : "prompt_tokens"] = .number(Double(promptTokens))
        counts["total_tokens"] = .number(Double(usage.totalTokens))
        body["usage"] = .object(counts)
        return ResponderResult(statusCode: statusCode, body: .object(body), usage: usage)
    }
}

extension TemplateResponder.ChatAnswer {
    /// This answer with `promptTokens` input tokens, when given.
    func billing(_ promptTokens: Int?) -> TemplateResponder.ChatAnswer {
        guard let promptTokens else { return self }
        var usage = usage
        usage.inputTokens = promptTokens
        usage.totalTokens = promptTokens + usage.outputTokens
        return TemplateResponder.ChatAnswer(id: id, content: content, usage: usage)
    }
}

import JSON

/// One line of `output.jsonl` or `errors.jsonl`, reduced to what a document needs.
struct ResultLine {
    /// What the request produced.
    enum Outcome {
        /// The model's text.
        case content(String)
        /// The request failed.
        case failure(code: String, message: String)
        /// The request succeeded with a body that has no text: data (embeddings, moderations) or nothing usable.
        case noText
    }

    /// The line's `custom_id`.
    var customID: String
    /// Text or failure.
    var outcome: Outcome

    /// A line that is not a result object at all.
    struct Invalid: Error {
        /// Why, for the index.
        var message: String
    }

    /// Decodes a line. Throws `Invalid` when it is not JSON or has no `custom_id`.
    init(json bytes: UnsafeRawBufferPointer) throws(Invalid) {
        guard let line = try? JSONValue(parsing: bytes, keeping: Self.keys) else { throw Invalid(message: "not valid JSON") }
        guard line.isObject else { throw Invalid(message: "not a JSON object") }
        guard let customID = line["custom_id"]?.stringValue else { throw Invalid(message: "custom_id is missing") }
        self.customID = customID
        outcome = Self.outcome(of: line)
    }

    /// Every member name `outcome(of:)` and `content(of:)` read; the rest is skipped unbuilt.
    static let keys: Set<String> = [
        "custom_id", "response", "error", "status_code", "body", "code", "message", "type", "choices",
        "content", "refusal", "text", "output_text", "output",
    ]

    private static func outcome(of line: JSONValue) -> Outcome {
        if let error = line["error"], error.isObject {
            return .failure(code: text(error["code"]) ?? "error", message: text(error["message"]) ?? "request failed")
        }
        guard let response = line["response"], response.isObject else {
            return .failure(code: "no_response", message: "the line has neither a response nor an error")
        }
        let status = response["status_code"]?.numberValue.map { Int($0) } ?? 200
        var body = response["body"]
        // Some producers store the body as a JSON string rather than an object.
        if let string = body?.stringValue {
            var utf8 = string
            body = utf8.withUTF8 { try? JSONValue(parsing: $0, keeping: keys) }
        }
        guard (200..<300).contains(status) else {
            let error = body?["error"]
            return .failure(
                code: text(error?["code"]) ?? text(error?["type"]) ?? "http_\(status)",
                message: text(error?["message"]) ?? "the request failed with HTTP status \(status)"
            )
        }
        guard let body, body.isObject else {
            return .failure(code: "no_content", message: "the response body is not a JSON object")
        }
        if let content = content(of: body) { return .content(content) }
        return .noText
    }

    /// Chat completions, then the Responses API, then completions.
    static func content(of body: JSONValue) -> String? {
        if let first = body["choices"]?[0] {
            if let message = first["message"] {
                if let text = message["content"]?.stringValue { return text }
                if let parts = message["content"]?.arrayValue, let text = joinedText(parts) { return text }
                if let refusal = message["refusal"]?.stringValue { return refusal }
            }
            if let text = first["text"]?.stringValue { return text }
        }
        if let text = body["output_text"]?.stringValue { return text }
        if let output = body["output"]?.arrayValue {
            var pieces: [String] = []
            for item in output where (item["type"]?.stringValue ?? "message") == "message" {
                if let parts = item["content"]?.arrayValue, let text = joinedText(parts) { pieces.append(text) }
            }
            if !pieces.isEmpty { return pieces.joined(separator: "\n\n") }
        }
        return nil
    }

    /// Text parts of a content array (`{"type": "text" | "output_text", "text": ...}`).
    private static func joinedText(_ parts: [JSONValue]) -> String? {
        let pieces = parts.compactMap { $0["text"]?.stringValue }
        return pieces.isEmpty ? nil : pieces.joined()
    }

    /// A string, or a number spelled as the API would (`400`, not `400.0`).
    private static func text(_ value: JSONValue?) -> String? {
        if let string = value?.stringValue { return string }
        if let number = value?.numberValue {
            return number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        }
        return nil
    }
}

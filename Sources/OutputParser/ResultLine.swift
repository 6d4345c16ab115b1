import Foundation

/// One line of `output.jsonl` or `errors.jsonl`, reduced to what a document needs.
struct ResultLine {
    /// What the request produced.
    enum Outcome {
        /// The model's text.
        case content(String)
        /// The request failed, or succeeded without text.
        case failure(code: String, message: String)
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
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw Invalid(message: "not valid JSON")
        }
        guard let line = object as? [String: Any] else { throw Invalid(message: "not a JSON object") }
        guard let customID = line["custom_id"] as? String else { throw Invalid(message: "custom_id is missing") }
        self.customID = customID
        outcome = Self.outcome(of: line)
    }

    private static func outcome(of line: [String: Any]) -> Outcome {
        if let error = line["error"] as? [String: Any] {
            return .failure(code: string(error["code"]) ?? "error", message: string(error["message"]) ?? "request failed")
        }
        guard let response = line["response"] as? [String: Any] else {
            return .failure(code: "no_response", message: "the line has neither a response nor an error")
        }
        let status = (response["status_code"] as? NSNumber)?.intValue ?? 200
        var body = response["body"]
        // Some producers store the body as a JSON string rather than an object.
        if let text = body as? String, let data = text.data(using: .utf8),
           let decoded = try? JSONSerialization.jsonObject(with: data) {
            body = decoded
        }
        let object = body as? [String: Any]
        guard (200..<300).contains(status) else {
            let error = object?["error"] as? [String: Any]
            return .failure(
                code: string(error?["code"]) ?? string(error?["type"]) ?? "http_\(status)",
                message: string(error?["message"]) ?? "the request failed with HTTP status \(status)"
            )
        }
        guard let object else {
            return .failure(code: "no_content", message: "the response body is not a JSON object")
        }
        if let text = content(of: object) { return .content(text) }
        return .failure(code: "no_content", message: "the response has no text content")
    }

    /// Chat completions, then the Responses API, then completions.
    static func content(of body: [String: Any]) -> String? {
        if let choices = body["choices"] as? [Any], let first = choices.first as? [String: Any] {
            if let message = first["message"] as? [String: Any] {
                if let text = message["content"] as? String { return text }
                if let parts = message["content"] as? [Any] { return joinedText(parts) }
                if let refusal = message["refusal"] as? String { return refusal }
            }
            if let text = first["text"] as? String { return text }
        }
        if let text = body["output_text"] as? String { return text }
        if let output = body["output"] as? [Any] {
            var pieces: [String] = []
            for case let item as [String: Any] in output where (item["type"] as? String ?? "message") == "message" {
                if let parts = item["content"] as? [Any], let text = joinedText(parts) { pieces.append(text) }
            }
            if !pieces.isEmpty { return pieces.joined(separator: "\n\n") }
        }
        return nil
    }

    /// Text parts of a content array (`{"type": "text" | "output_text", "text": ...}`).
    private static func joinedText(_ parts: [Any]) -> String? {
        var pieces: [String] = []
        for case let part as [String: Any] in parts {
            if let text = part["text"] as? String { pieces.append(text) }
        }
        return pieces.isEmpty ? nil : pieces.joined()
    }

    private static func string(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}

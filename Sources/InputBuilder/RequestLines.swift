import BatchCore
import JSON

/// The request lines of one build as they are added: checks that custom_ids are unique and that every
/// line uses the same model, and writes each line's JSON.
struct RequestLines {
    private let payload: Payload
    private let endpoint: String
    private var requests: [RequestBuilder.Request] = []
    private var models: [(model: String, source: String)] = []
    /// Which payload item produced each custom_id, for the message about a duplicate.
    private var origins: [String: String] = [:]

    init(payload: Payload, endpoint: String) {
        self.payload = payload
        self.endpoint = endpoint
    }

    /// Adds the request `id` for the rendered `user` message of `template`; `origin` names the payload item.
    mutating func add(
        _ id: CustomID, template: PromptTemplate, user: String, origin: String, contextPath: String
    ) throws(BuildError) {
        if let first = origins[id.rawValue] {
            throw .payload(origin, "produces custom_id \(id.rawValue), as \(first) already does")
        }
        origins[id.rawValue] = origin
        guard let model = template.model ?? payload.model else {
            throw .payload("model", "is missing (give it in the payload or in \(template.displayPath)'s front matter)")
        }
        if !models.contains(where: { $0.model == model }) {
            models.append((model, template.model == nil ? "the payload" : template.displayPath))
        }
        let line = self.line(id: id, model: model, system: template.system, user: user)
        let prompt = template.system.map { "<!-- system -->\n\($0)\n\n<!-- user -->\n" } ?? ""
        requests.append(RequestBuilder.Request(customID: id.rawValue, line: line, prompt: prompt + user + "\n",
                                               contextPath: contextPath, format: template.format))
    }

    /// The lines added, once every item is in; throws when there are none or their models differ.
    func output() throws(BuildError) -> RequestBuilder.Output {
        guard let first = models.first else { throw .payload("", "the payload produced no requests") }
        if models.count > 1 {
            let list = models.map { "\($0.model) (\($0.source))" }.joined(separator: ", ")
            throw .payload("model", "differs between requests: \(list); the Batch API takes one model per file")
        }
        return RequestBuilder.Output(requests: requests, model: first.model)
    }

    /// One JSON line: the top-level members in the Batch API's order, the body's keys sorted, so the
    /// same payload always gives the same bytes.
    private func line(id: CustomID, model: String, system: String?, user: String) -> String {
        var messages: [JSONValue] = []
        if let system { messages.append(["role": "system", "content": .string(system)]) }
        messages.append(["role": "user", "content": .string(user)])
        var body = payload.defaults
        body["model"] = .string(model)
        body["messages"] = .array(messages)
        var writer = JSONWriter(capacity: user.utf8.count + 256)
        writer.append("{\"custom_id\":")
        writer.write(id.rawValue)
        writer.append(",\"method\":\"POST\",\"url\":")
        writer.write(endpoint)
        writer.append(",\"body\":")
        writer.write(.object(body))
        writer.append("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

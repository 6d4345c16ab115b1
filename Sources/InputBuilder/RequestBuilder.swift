import BatchCore
import Foundation

/// Builds Batch API request lines from a payload and prompt templates (DESIGN.md §8).
///
/// Deterministic: the same payload and templates give the same bytes (fixed top-level key order,
/// sorted keys inside `body`, payload order for items, template order for topics).
public struct RequestBuilder: Sendable {
    /// One request line and what it was built from.
    public struct Request: Sendable, Hashable {
        /// The line's `custom_id`.
        public var customID: String
        /// The JSON line, without the trailing newline.
        public var line: String
        /// The compiled prompt (system message, if any, then the user message), for `--persist-context`.
        public var prompt: String
        /// Where `--persist-context` stores the prompt, relative to the context directory.
        public var contextPath: String
        /// The format the template asks for.
        public var format: PromptTemplate.Format
    }

    /// The result of a build.
    public struct Output: Sendable, Hashable {
        /// The requests, in payload order.
        public var requests: [Request]
        /// The single model every line uses.
        public var model: String

        /// The JSONL file's bytes: one line per request, each ending in `\n`.
        public var jsonl: Data {
            var data = Data()
            for request in requests {
                data.append(contentsOf: request.line.utf8)
                data.append(0x0A)
            }
            return data
        }
    }

    /// The templates.
    public let prompts: PromptLibrary
    /// The endpoint every line targets.
    public let endpoint: String

    /// Creates a builder for `prompts`; lines target `endpoint`.
    public init(prompts: PromptLibrary, endpoint: String = "/v1/chat/completions") {
        self.prompts = prompts
        self.endpoint = endpoint
    }

    /// Builds the requests for the payload JSON `data`; `name` names the payload in messages.
    public func build(payload data: Data, name: String = "payload") throws(BuildError) -> Output {
        let payload = try Payload(data: data, name: name)
        var requests: [Request] = []
        var models: [(model: String, source: String)] = []
        var origins: [String: String] = [:]
        let contextNames = FileNameSanitizer(maxBytes: 120)

        func add(_ id: CustomID, template: PromptTemplate, user: String, origin: String, contextPath: String) throws(BuildError) {
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
            var messages: [[String: Any]] = []
            if let system = template.system { messages.append(["role": "system", "content": system]) }
            messages.append(["role": "user", "content": user])
            var body = payload.defaults
            body["model"] = model
            body["messages"] = messages
            let line = "{\"custom_id\":\(try json(id.rawValue)),\"method\":\"POST\",\"url\":\(try json(endpoint)),\"body\":\(try json(body))}"
            let prompt = template.system.map { "<!-- system -->\n\($0)\n\n<!-- user -->\n" } ?? ""
            requests.append(Request(customID: id.rawValue, line: line, prompt: prompt + user + "\n",
                                    contextPath: contextPath, format: template.format))
        }

        for (processIndex, process) in payload.processes.enumerated() {
            let at = "processes[\(processIndex)]"
            let topics = process.topics ?? prompts.topics.keys.sorted()
            if topics.isEmpty { throw .payload("\(at).topics", "is empty and the prompts directory has no templates") }
            let segments = Segmenter.split(process.context, maxCharacters: process.maxSegmentChars)
            if segments.isEmpty { throw .payload("\(at).context", "is empty") }
            for (topicIndex, topic) in topics.enumerated() {
                guard let template = prompts.topics[topic] else {
                    let known = prompts.topics.keys.sorted().joined(separator: ", ")
                    throw .payload(process.topics == nil ? "\(at).topics" : "\(at).topics[\(topicIndex)]",
                                   "names topic \(topic), which has no template (known: \(known))")
                }
                for (segmentIndex, segment) in segments.enumerated() {
                    let id = CustomID.segment(process.id, topic, index: segmentIndex + 1)
                    let values: [Placeholder: String] = [
                        .processID: process.id, .processTitle: process.title, .segment: segment,
                        .segmentIndex: String(segmentIndex + 1), .segmentCount: String(segments.count),
                    ]
                    let user = try template.render(values, context: "\(at) (a process)")
                    guard case let .segment(_, _, _, digits) = id else { continue }
                    let path = "\(contextNames.sanitize(process.id))/\(contextNames.sanitize(topic))/seg-\(digits).md"
                    try add(id, template: template, user: user, origin: at, contextPath: path)
                }
            }
        }

        for (methodIndex, method) in payload.methods.enumerated() {
            let at = "methods[\(methodIndex)]"
            let types = method.types ?? prompts.methodTypes.keys.sorted()
            if types.isEmpty { throw .payload("\(at).types", "is missing and the prompts directory has no methods/ templates") }
            for (typeIndex, type) in types.enumerated() {
                guard let template = prompts.template(forMethodType: type) else {
                    throw .payload(method.types == nil ? "\(at).types" : "\(at).types[\(typeIndex)]",
                                   "names type \(type), which has no template (methods/\(type).md or \(type).md)")
                }
                let values: [Placeholder: String] = [.classPath: method.classPath, .method: method.method, .code: method.code]
                let user = try template.render(values, context: "\(at) (a method)")
                let id = CustomID.method(method.classPath, method.method, type: type)
                let path = "_methods/\(contextNames.sanitize(method.classPath + "." + method.method))/\(contextNames.sanitize(type)).md"
                try add(id, template: template, user: user, origin: at, contextPath: path)
            }
        }

        guard let first = models.first else { throw .payload("", "the payload produced no requests") }
        if models.count > 1 {
            let list = models.map { "\($0.model) (\($0.source))" }.joined(separator: ", ")
            throw .payload("model", "differs between requests: \(list); the Batch API takes one model per file")
        }
        return Output(requests: requests, model: first.model)
    }

    /// Builds from `payloadPath`, writes the JSONL to `outputPath` (temporary name + rename) and,
    /// when `contextDirectory` is given, each compiled prompt under it.
    @discardableResult
    public func build(payloadPath: String, outputPath: String, contextDirectory: String? = nil) throws(BuildError) -> Output {
        guard let data = FileManager.default.contents(atPath: payloadPath) else {
            throw .file(payloadPath, "cannot be read")
        }
        let output = try build(payload: data, name: payloadPath)
        try Self.write(output.jsonl, to: outputPath)
        if let contextDirectory {
            for request in output.requests {
                try Self.write(Data(request.prompt.utf8), to: contextDirectory + "/" + request.contextPath)
            }
        }
        return output
    }

    private static func write(_ data: Data, to path: String) throws(BuildError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw .file(path, "cannot be written (\(error.localizedDescription))")
        }
    }

    private func json(_ value: Any) throws(BuildError) -> String {
        do {
            let data = try JSONSerialization.data(
                withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
            )
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw .payload("defaults", "cannot be written as JSON (\(error.localizedDescription))")
        }
    }
}

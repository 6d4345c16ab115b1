import BatchCore
import Foundation
import SystemIO

/// Builds Batch API request lines from a payload and prompt templates (docs/ARCHITECTURE.md § Payload and prompts).
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
        /// What `--persist-context` writes under its folder.
        public var contextFiles: [ContextFiles.File] = []

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
        var lines = RequestLines(payload: payload, endpoint: endpoint)
        var context = ContextFiles()
        for (index, process) in payload.processes.enumerated() {
            try add(process, at: "processes[\(index)]", to: &lines, context: &context)
        }
        for (index, method) in payload.methods.enumerated() {
            try add(method, at: "methods[\(index)]", to: &lines)
        }
        var output = try lines.output()
        output.contextFiles = context.files(for: output.requests)
        return output
    }

    /// Context files are named after ids and topics, which may hold anything.
    private static let contextNames = FileNameSanitizer(maxBytes: 120)

    /// One request per topic × segment of `process`.
    private func add(_ process: Payload.Process, at: String, to lines: inout RequestLines, context: inout ContextFiles) throws(BuildError) {
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
            let names = Self.contextNames
            context.addPack(folder: names.sanitize(process.id), topicFolder: names.sanitize(topic), processID: process.id,
                            title: process.title, topic: topic, segments: segments)
            for (segmentIndex, segment) in segments.enumerated() {
                let id = CustomID.segment(process.id, topic, index: segmentIndex + 1)
                let values: [Placeholder: String] = [
                    .processID: process.id, .processTitle: process.title, .segment: segment,
                    .segmentIndex: String(segmentIndex + 1), .segmentCount: String(segments.count),
                ]
                let user = try template.render(values, context: "\(at) (a process)")
                guard case let .segment(_, _, _, digits) = id else { continue }
                let path = "\(names.sanitize(process.id))/\(names.sanitize(topic))/seg-\(digits).md"
                try lines.add(id, template: template, user: user, origin: at, contextPath: path)
            }
        }
    }

    /// One request per type of `method`.
    private func add(_ method: Payload.Method, at: String, to lines: inout RequestLines) throws(BuildError) {
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
            let names = Self.contextNames
            let path = "\(ContextFiles.methodsGroup)/\(names.sanitize(method.classPath + "." + method.method))/\(names.sanitize(type)).md"
            try lines.add(id, template: template, user: user, origin: at, contextPath: path)
        }
    }

    /// Builds from `payloadPath`, writes the JSONL to `outputPath` (temporary name + rename) and,
    /// when `contextDirectory` is given, the context files under it (`ContextFiles`).
    @discardableResult
    public func build(payloadPath: String, outputPath: String, contextDirectory: String? = nil) throws(BuildError) -> Output {
        let output = try build(payload: try Self.read(payloadPath), name: payloadPath)
        try Self.write(output.jsonl, to: outputPath, durability: .synced)
        if let contextDirectory {
            for file in output.contextFiles {
                try Self.write(Data(file.text.utf8), to: contextDirectory + "/" + file.path, durability: .deferred)
            }
        }
        return output
    }

    /// The payload's bytes; a missing file says so, as the shell would.
    private static func read(_ path: String) throws(BuildError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .file(path, "no such file") }
        if isDirectory.boolValue { throw .file(path, "is a folder, not a payload file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .file(path, "cannot be read (permission denied?)") }
        return data
    }

    /// Writes through the one durable-file path (temporary name, rename), creating the folder first.
    private static func write(_ data: Data, to path: String, durability: Durability) throws(BuildError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(folder.path, "cannot be created (\(error.localizedDescription))")
        }
        do throws(SystemError) {
            try DurableFile.write(Array(data), to: path, durability: durability)
        } catch {
            throw .file(path, "cannot be written (\(error))")
        }
    }
}

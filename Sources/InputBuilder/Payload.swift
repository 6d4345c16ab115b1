import Foundation
import JSON

/// A build-input payload (docs/ARCHITECTURE.md § Payload and prompts), checked field by field with messages naming the path.
struct Payload {
    /// One source file of a process's context.
    struct Source {
        var path: String
        var content: String
    }

    /// A business process whose context is split into segments, one request per topic × segment.
    struct Process {
        var id: String
        var title: String
        var topics: [String]?
        var context: String
        var maxSegmentChars: Int
    }

    /// A method documented once per type.
    struct Method {
        var classPath: String
        var method: String
        var code: String
        var types: [String]?
    }

    static let defaultMaxSegmentChars = 12_000

    var model: String?
    /// Extra request parameters (temperature, max_tokens...), merged into every body.
    var defaults: [String: JSONValue]
    var processes: [Process]
    var methods: [Method]

    /// Decodes `data`; `name` is the payload's file name for JSON syntax errors.
    init(data: Data, name: String) throws(BuildError) {
        let object: JSONValue
        do {
            object = try data.withUnsafeBytes { bytes throws(JSONScanner.Failure) in try JSONValue(parsing: bytes) }
        } catch let failure as JSONScanner.Failure {
            let (line, column) = Self.position(ofByte: failure.column - 1, in: data)
            throw .file(name, "is not valid JSON: \(failure.reason) at line \(line), column \(column)")
        } catch {
            throw .file(name, "is not valid JSON (\(error))")
        }
        guard let root = object.objectValue else { throw .file(name, "must be a JSON object") }
        let known: Set<String> = ["model", "defaults", "processes", "methods"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw .payload(unknown, "is not a payload field (expected model, defaults, processes, methods)")
        }
        model = try Self.optionalString(root["model"], at: "model")
        if let defaults = root["defaults"] {
            guard let object = defaults.objectValue else { throw .payload("defaults", "must be an object") }
            for key in ["model", "messages"] where object[key] != nil {
                throw .payload("defaults.\(key)", "is not allowed (the builder sets it)")
            }
            self.defaults = object
        } else {
            defaults = [:]
        }
        processes = try Self.array(root["processes"], at: "processes").enumerated().map { index, item throws(BuildError) in
            try Self.process(item, at: "processes[\(index)]")
        }
        methods = try Self.array(root["methods"], at: "methods").enumerated().map { index, item throws(BuildError) in
            try Self.method(item, at: "methods[\(index)]")
        }
        if processes.isEmpty && methods.isEmpty {
            throw .payload("", "the payload has no processes and no methods: nothing to build")
        }
    }

    /// The 1-based line and column (in characters) of the byte at `offset`: the scanner counts bytes
    /// from the start of the file, a person counts lines.
    static func position(ofByte offset: Int, in data: Data) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), data.count)
        let before = data.prefix(end)
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? before.startIndex
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        // Continuation bytes of UTF-8 do not start a character.
        let column = before[lineStart...].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return (line, column)
    }

    private static func process(_ value: JSONValue, at path: String) throws(BuildError) -> Process {
        guard let object = value.objectValue else { throw .payload(path, "must be an object") }
        let id = try requiredString(object["id"], at: "\(path).id")
        guard !id.contains("/") else { throw .payload("\(path).id", "must not contain / (it is part of the custom_id)") }
        let title = try optionalString(object["title"], at: "\(path).title") ?? id
        var topics: [String]?
        if object["topics"] != nil {
            topics = try array(object["topics"], at: "\(path).topics").enumerated().map { index, topic throws(BuildError) in
                let name = try requiredString(topic, at: "\(path).topics[\(index)]")
                guard !name.contains("/") else { throw .payload("\(path).topics[\(index)]", "must not contain /") }
                return name
            }
        }
        let context: String
        if let text = object["context"] {
            guard object["sources"] == nil else {
                throw .payload(path, "has both context and sources: give one")
            }
            guard let string = text.stringValue else { throw .payload("\(path).context", "must be a string") }
            context = string
        } else if object["sources"] != nil {
            let sources = try array(object["sources"], at: "\(path).sources").enumerated().map { index, item throws(BuildError) in
                let at = "\(path).sources[\(index)]"
                guard let source = item.objectValue else { throw .payload(at, "must be an object") }
                return Source(path: try requiredString(source["path"], at: "\(at).path"),
                              content: try requiredString(source["content"], at: "\(at).content", allowEmpty: true))
            }
            // Each source starts on its own line with its path, so segments say where they come from.
            context = sources.map { "### \($0.path)\n\n\($0.content)\($0.content.hasSuffix("\n") ? "" : "\n")" }
                .joined(separator: "\n")
        } else {
            throw .payload("\(path).context", "is missing (give context or sources)")
        }
        var maxSegmentChars = defaultMaxSegmentChars
        if let value = object["max_segment_chars"] {
            guard let number = value.numberValue, let integer = Int(exactly: number), integer > 0
            else { throw .payload("\(path).max_segment_chars", "must be a positive integer") }
            maxSegmentChars = integer
        }
        return Process(id: id, title: title, topics: topics, context: context, maxSegmentChars: maxSegmentChars)
    }

    private static func method(_ value: JSONValue, at path: String) throws(BuildError) -> Method {
        guard let object = value.objectValue else { throw .payload(path, "must be an object") }
        let classPath = try requiredString(object["class_path"], at: "\(path).class_path")
        let method = try requiredString(object["method"], at: "\(path).method")
        guard !method.contains(".") else { throw .payload("\(path).method", "must not contain . (it is part of the custom_id)") }
        let code = try requiredString(object["code"], at: "\(path).code")
        var types: [String]?
        if object["types"] != nil {
            types = try array(object["types"], at: "\(path).types").enumerated().map { index, type throws(BuildError) in
                try requiredString(type, at: "\(path).types[\(index)]")
            }
        }
        return Method(classPath: classPath, method: method, code: code, types: types)
    }

    private static func array(_ value: JSONValue?, at path: String) throws(BuildError) -> [JSONValue] {
        guard let value, !value.isNull else { return [] }
        guard let array = value.arrayValue else { throw .payload(path, "must be an array") }
        return array
    }

    private static func requiredString(_ value: JSONValue?, at path: String, allowEmpty: Bool = false) throws(BuildError) -> String {
        guard let value, !value.isNull else { throw .payload(path, "is missing") }
        guard let string = value.stringValue else { throw .payload(path, "must be a string") }
        guard allowEmpty || !string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .payload(path, "is empty")
        }
        return string
    }

    private static func optionalString(_ value: JSONValue?, at path: String) throws(BuildError) -> String? {
        guard let value, !value.isNull else { return nil }
        return try requiredString(value, at: path)
    }
}

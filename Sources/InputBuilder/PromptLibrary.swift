import Foundation

/// The templates of a `prompts/` directory: `prompts/<topic>.md` for process topics and
/// `prompts/methods/<type>.md` for method types (falling back to `prompts/<type>.md`).
public struct PromptLibrary: Sendable {
    /// Templates by topic name (`prompts/*.md`).
    public let topics: [String: PromptTemplate]
    /// Templates by method type (`prompts/methods/*.md`).
    public let methodTypes: [String: PromptTemplate]

    /// Creates a library from parsed templates.
    public init(topics: [String: PromptTemplate], methodTypes: [String: PromptTemplate] = [:]) {
        self.topics = topics
        self.methodTypes = methodTypes
    }

    /// Loads every `*.md` in `directory` and in `directory/methods`. Messages name files as
    /// `<directory>/<file>`.
    public static func load(directory: String) throws(BuildError) -> PromptLibrary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .file(directory, "the prompts directory does not exist")
        }
        let topics = try loadTemplates(in: directory, displayPrefix: directory)
        let methods = try loadTemplates(in: directory + "/methods", displayPrefix: directory + "/methods")
        return PromptLibrary(topics: topics, methodTypes: methods)
    }

    /// The template for a method type: `methods/<type>.md`, then `methods/<prefix>.md` for
    /// `<prefix>_...` types (`tech_resume` → `tech`), then the same names among the topics.
    public func template(forMethodType type: String) -> PromptTemplate? {
        let prefix = type.split(separator: "_").first.map(String.init)
        return methodTypes[type] ?? prefix.flatMap { methodTypes[$0] } ?? topics[type] ?? prefix.flatMap { topics[$0] }
    }

    /// `[topic: format]` for every topic template (the parser stores `puml` topics as `.puml`).
    public var topicFormats: [String: PromptTemplate.Format] {
        topics.mapValues(\.format)
    }

    private static func loadTemplates(in directory: String, displayPrefix: String) throws(BuildError) -> [String: PromptTemplate] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [:] }
        var templates: [String: PromptTemplate] = [:]
        for file in names.sorted() where file.hasSuffix(".md") && !file.hasPrefix(".") {
            let name = String(file.dropLast(3))
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .file(path, "cannot be read")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw .file(path, "is not UTF-8")
            }
            templates[name] = try PromptTemplate(name: name, displayPath: displayPrefix + "/" + file, text: text)
        }
        return templates
    }
}

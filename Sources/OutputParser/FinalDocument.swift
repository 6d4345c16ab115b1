/// The text of a process's `final.md`: front matter (`batch_id`, `process`, `segments`), then every segment
/// under its topic's heading, in topic, then segment, order; a PlantUML segment as a fenced block. The one
/// writer of that shape: a parse (`ParseRun.assembleFinals`) and a job's merge (`ProcessFinal`) both use it.
enum FinalDocument {
    /// One segment document of the process, relative to `docs/`.
    struct Part {
        var topic: String
        var index: Int
        var file: String
        var format: DocumentFormat
    }

    /// The document for `process` from `parts` (any order) as `store` holds them; `label` fills `batch_id`.
    static func text(label: String, process: String, parts: [Part], store: DocumentStore) throws(ParseError) -> String {
        let ordered = parts.sorted { ($0.topic, $0.index, $0.file) < ($1.topic, $1.index, $1.file) }
        var text = "---\n"
        text += "batch_id: \(YAMLScalar.quoted(label))\n"
        text += "process: \(YAMLScalar.quoted(process))\n"
        text += "segments: \(ordered.count)\n"
        text += "---\n\n# \(process)\n"
        var currentTopic: String?
        for part in ordered {
            guard let document = try store.read(part.file) else { continue }
            if part.topic != currentTopic {
                text += "\n## \(part.topic)\n"
                currentTopic = part.topic
            }
            let body = DocumentRenderer.body(of: document, format: part.format)
            text += part.format == .plantUML ? "\n```plantuml\n\(body)\n```\n" : "\n\(body)\n"
        }
        return text
    }
}

import Foundation

/// Assembles a process's `final.md` from the segment documents on disk under `docs/<proc>/<topic>/seg-NNN.(md|puml)`,
/// in topic then segment order, as a parse does (`ParseRun.assembleFinals`). A job whose process's segments came
/// from several batches rebuilds it this way once the documents of each batch are merged into the job's `docs/`.
public enum ProcessFinal {
    /// Rewrites `docs/<processDirectory>/final.md` from every segment found; `label` fills its `batch_id`
    /// (a job id). Returns false when the process has no segment. Blocking (file I/O).
    @discardableResult
    public static func assemble(docsDirectory: String, processDirectory: String, label: String) throws(ParseError) -> Bool {
        let processPath = docsDirectory + "/" + processDirectory
        let topics = ((try? FileManager.default.contentsOfDirectory(atPath: processPath)) ?? []).filter {
            !$0.hasPrefix(".") && isDirectory(processPath + "/" + $0)
        }
        var parts: [(topic: String, index: Int, file: String, format: DocumentFormat)] = []
        for topic in topics {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: processPath + "/" + topic)) ?? []
            for name in names where name.hasPrefix("seg-") {
                let format: DocumentFormat
                if name.hasSuffix(".md") { format = .markdown } else if name.hasSuffix(".puml") { format = .plantUML } else { continue }
                let digits = name.dropFirst(4).prefix { $0.isNumber }
                guard let index = Int(digits) else { continue }
                parts.append((topic, index, processDirectory + "/" + topic + "/" + name, format))
            }
        }
        guard !parts.isEmpty else { return false }
        parts.sort { ($0.topic, $0.index, $0.file) < ($1.topic, $1.index, $1.file) }
        let store = try DocumentStore(root: docsDirectory)
        let process = processDirectory.split(separator: "/").last.map(String.init) ?? processDirectory
        var text = "---\n"
        text += "batch_id: \(YAMLScalar.quoted(label))\n"
        text += "process: \(YAMLScalar.quoted(process))\n"
        text += "segments: \(parts.count)\n"
        text += "---\n\n# \(process)\n"
        var currentTopic: String?
        for part in parts {
            guard let document = try store.read(part.file) else { continue }
            if part.topic != currentTopic {
                text += "\n## \(part.topic)\n"
                currentTopic = part.topic
            }
            let body = DocumentRenderer.body(of: document, format: part.format)
            text += part.format == .plantUML ? "\n```plantuml\n\(body)\n```\n" : "\n\(body)\n"
        }
        try store.write(Array(text.utf8), to: processDirectory + "/final.md")
        return true
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

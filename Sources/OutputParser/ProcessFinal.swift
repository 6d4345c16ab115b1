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
        var parts: [FinalDocument.Part] = []
        for topic in topics {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: processPath + "/" + topic)) ?? []
            for name in names where name.hasPrefix("seg-") {
                let format: DocumentFormat
                if name.hasSuffix(".md") { format = .markdown } else if name.hasSuffix(".puml") { format = .plantUML } else { continue }
                let digits = name.dropFirst(4).prefix { $0.isNumber }
                guard let index = Int(digits) else { continue }
                parts.append(FinalDocument.Part(topic: topic, index: index, file: processDirectory + "/" + topic + "/" + name, format: format))
            }
        }
        guard !parts.isEmpty else { return false }
        let store = try DocumentStore(root: docsDirectory)
        let process = processDirectory.split(separator: "/").last.map(String.init) ?? processDirectory
        let text = try FinalDocument.text(label: label, process: process, parts: parts, store: store)
        try store.write(Array(text.utf8), to: processDirectory + "/final.md")
        return true
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

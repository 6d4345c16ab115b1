/// What `--persist-context` writes beside the JSONL (docs/ARCHITECTURE.md § Payload and prompts), as the
/// seed lays out `inputs/by_process/`: per process a JSONL of its own request lines (`<proc>.jsonl`),
/// per process and topic a context pack (`<proc>/<topic>/context.md`: the process's context as its
/// segments), and each compiled prompt (`<proc>/<topic>/seg-NNN.md`). Methods go under `_methods`.
public struct ContextFiles: Sendable, Hashable {
    /// One file to write, relative to the context directory.
    public struct File: Sendable, Hashable {
        /// Where, relative to the context directory.
        public var path: String
        /// What.
        public var text: String
    }

    /// The folder that holds the methods' prompts and lines, beside the processes' folders.
    static let methodsGroup = "_methods"

    private var packs: [File] = []

    /// Records the context pack of `process` for `topic`, cut into `segments`; `folder` is the
    /// process's sanitised folder name.
    mutating func addPack(folder: String, topicFolder: String, processID: String, title: String, topic: String, segments: [String]) {
        var text = "# \(title)\n\nprocess: \(processID)\ntopic: \(topic)\nsegments: \(segments.count)\n"
        for (index, segment) in segments.enumerated() {
            text += "\n## Segment \(index + 1) of \(segments.count)\n\n" + segment
            if !segment.hasSuffix("\n") { text += "\n" }
        }
        packs.append(File(path: "\(folder)/\(topicFolder)/context.md", text: text))
    }

    /// Every file for `requests`: the compiled prompts, the context packs, then one JSONL per process
    /// (the lines in payload order, grouped by the first folder of their prompt's path).
    func files(for requests: [RequestBuilder.Request]) -> [File] {
        var files = requests.map { File(path: $0.contextPath, text: $0.prompt) }
        files += packs
        var groups: [String] = []
        var lines: [String: String] = [:]
        for request in requests {
            let group = request.contextPath.split(separator: "/", maxSplits: 1).first.map(String.init) ?? Self.methodsGroup
            if lines[group] == nil { groups.append(group) }
            lines[group, default: ""] += request.line + "\n"
        }
        files += groups.map { File(path: "\($0).jsonl", text: lines[$0] ?? "") }
        return files
    }
}

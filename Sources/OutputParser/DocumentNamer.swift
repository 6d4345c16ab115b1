import BatchCore

/// Assigns each result its file under `docs/`, so that no two results of a run share one.
///
/// Names depend only on the ids (and the format) in file order, so a second run over the same
/// files assigns the same names and can skip what exists.
struct DocumentNamer {
    /// Where one document goes.
    struct Placement {
        /// Path relative to `docs/`.
        var relativePath: String
        /// For segments: the process's directory relative to `docs/`.
        var processDirectory: String?
    }

    private let fileNames = FileNameSanitizer(maxBytes: 160)
    // Directories never end like a document or a data file, so `docs/a.md/` cannot sit where `docs/a.md`
    // must, nor `docs/embeddings.jsonl/` where the data file goes.
    private let directoryNames = FileNameSanitizer(maxBytes: 100, reservedSuffixes: [".md", ".puml", ".tmp", ".jsonl"])
    private var taken: Set<String> = []

    /// The file for `id`, unique within this namer.
    mutating func place(_ id: CustomID, format: DocumentFormat) -> Placement {
        switch id {
        case let .method(_, _, type):
            let suffix: String
            if type == "business" {
                suffix = ".business.md"
            } else if type.hasPrefix("tech") {
                suffix = ".tech.md"
            } else {
                suffix = ".md"
            }
            return Placement(relativePath: claim(directory: "", stem: fileNames.sanitize(id.rawValue), suffix: suffix))
        case let .segment(process, topic, _, digits):
            let processDirectory = directoryNames.sanitize(process)
            let directory = processDirectory + "/" + directoryNames.sanitize(topic) + "/"
            let path = claim(directory: directory, stem: "seg-" + digits, suffix: "." + format.rawValue)
            return Placement(relativePath: path, processDirectory: processDirectory)
        case let .other(raw):
            return Placement(relativePath: claim(directory: "", stem: fileNames.sanitize(raw), suffix: ".md"))
        }
    }

    /// Takes `directory + stem + suffix`, or the first free `stem-2`, `stem-3`, ...
    private mutating func claim(directory: String, stem: String, suffix: String) -> String {
        var candidate = directory + stem + suffix
        var counter = 2
        while !taken.insert(candidate).inserted {
            candidate = directory + stem + "-\(counter)" + suffix
            counter += 1
        }
        return candidate
    }
}

/// A `{{name}}` a template may use (docs/ARCHITECTURE.md § Payload and prompts), and which kind of request provides it.
public enum Placeholder: String, CaseIterable, Sendable {
    /// The process's id.
    case processID = "process.id"
    /// The process's title.
    case processTitle = "process.title"
    /// The text of the segment.
    case segment
    /// The 1-based number of the segment.
    case segmentIndex = "segment.index"
    /// How many segments the process has.
    case segmentCount = "segment.count"
    /// The method's class path.
    case classPath = "class_path"
    /// The method's name.
    case method
    /// The method's source code.
    case code

    /// True for placeholders only a process request provides.
    public var isProcessOnly: Bool {
        switch self {
        case .processID, .processTitle, .segment, .segmentIndex, .segmentCount: return true
        case .classPath, .method, .code: return false
        }
    }
}

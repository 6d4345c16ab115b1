/// What a parse run does beyond the defaults.
public struct ParseOptions: Sendable {
    /// Rewrite documents that exist (otherwise they are skipped and left untouched).
    public var force: Bool
    /// Limit the run to these `custom_id`s; `nil` means all.
    public var only: Set<String>?
    /// Topics whose template said `format: puml` (their segments become `.puml`).
    public var topicFormats: [String: DocumentFormat]
    /// Longest accepted result line, in bytes.
    public var maxLineBytes: Int

    /// Creates options; the defaults parse everything once.
    public init(force: Bool = false, only: Set<String>? = nil, topicFormats: [String: DocumentFormat] = [:],
                maxLineBytes: Int = 256 << 20) {
        self.force = force
        self.only = only
        self.topicFormats = topicFormats
        self.maxLineBytes = maxLineBytes
    }
}

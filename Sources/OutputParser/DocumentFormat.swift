/// The kind of file a result becomes.
public enum DocumentFormat: String, Sendable, Hashable, Codable {
    /// Markdown with YAML front matter.
    case markdown = "md"
    /// A PlantUML diagram.
    case plantUML = "puml"
}

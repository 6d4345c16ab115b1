import OpenAIClient

/// A file the simulator holds: its API object and where its bytes are.
struct StoredFile: Sendable, Codable {
    var object: FileObject
    var path: String
    /// Order of creation, to break ties of `created_at`.
    var sequence: Int
}

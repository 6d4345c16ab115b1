/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable {
    /// Where a part's content comes from.
    public enum Content: Sendable {
        /// A text field's value.
        case text(String)
        /// A file read from disk while the request is sent (never held whole in memory).
        case file(path: String, filename: String, contentType: String?)
    }

    /// The form field's name.
    public var name: String
    /// The content.
    public var content: Content

    /// Creates a part.
    public init(name: String, content: Content) {
        self.name = name
        self.content = content
    }

    /// A text field.
    public static func text(_ name: String, _ value: String) -> MultipartPart {
        MultipartPart(name: name, content: .text(value))
    }

    /// A file field streamed from `path`.
    public static func file(_ name: String, path: String, filename: String, contentType: String? = nil) -> MultipartPart {
        MultipartPart(name: name, content: .file(path: path, filename: filename, contentType: contentType))
    }
}

/// A file part of a multipart/form-data body, stored on disk by `MultipartForm.read(from:boundary:temporaryDirectory:limits:)`.
public struct UploadedFile: Sendable {
    /// The part's form field name (`name=` of its Content-Disposition).
    public var fieldName: String
    /// The name the client gave the file: for display only, NEVER used as a path.
    public var filename: String?
    /// The part's Content-Type, if it had one.
    public var contentType: String?
    /// The server-chosen, unique file under the temporary directory that holds the part's bytes.
    public var path: String
    /// How many bytes the file holds.
    public var byteCount: Int64

    /// Creates a description of a stored upload.
    public init(fieldName: String, filename: String?, contentType: String?, path: String, byteCount: Int64) {
        self.fieldName = fieldName
        self.filename = filename
        self.contentType = contentType
        self.path = path
        self.byteCount = byteCount
    }
}

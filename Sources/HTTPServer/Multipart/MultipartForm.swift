#if canImport(Glibc)
import Glibc
#endif

/// A whole multipart/form-data body: its fields in memory, its file parts stored on disk.
public struct MultipartForm: Sendable {
    /// The non-file parts in order, as UTF-8 text.
    public var fields: [(name: String, value: String)]
    /// The parts that had a filename, stored in files.
    public var files: [UploadedFile]

    /// Creates a form from its fields and files.
    public init(fields: [(name: String, value: String)] = [], files: [UploadedFile] = []) {
        self.fields = fields
        self.files = files
    }

    /// The value of the first field called `name`.
    public func field(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// The first file part whose field name is `fieldName`.
    public func file(_ fieldName: String) -> UploadedFile? {
        files.first { $0.fieldName == fieldName }
    }

    /// Deletes the uploaded files (callers do this once they moved or used them).
    public func removeFiles() {
        for file in files { unlink(file.path) }
    }

    /// Reads a whole multipart body from an async sequence of chunks: fields in memory (bounded), parts with a filename streamed to new files
    /// under temporaryDirectory (open O_CREAT|O_EXCL|O_CLOEXEC, mode 0600, plain write(2); no fsync). On any error every file it created is deleted before rethrowing.
    ///
    /// A part is a file part when its Content-Disposition has a `filename` (even an empty one). The total body
    /// size is not bounded here: the HTTP layer caps the request body.
    public static func read<Body: AsyncSequence>(
        from body: Body,
        boundary: String,
        temporaryDirectory: String,
        limits: MultipartLimits = MultipartLimits()
    ) async throws -> MultipartForm where Body.Element == [UInt8] {
        var parser = try MultipartParser(boundary: boundary, limits: limits)
        var assembler = MultipartFormAssembler(temporaryDirectory: temporaryDirectory, limits: limits)
        do {
            for try await chunk in body {
                for event in try parser.feed(chunk) {
                    try assembler.handle(event)
                }
            }
            try parser.finish()
            return assembler.form
        } catch {
            assembler.discardFiles()
            throw error
        }
    }
}

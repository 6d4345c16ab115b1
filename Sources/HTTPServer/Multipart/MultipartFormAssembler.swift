/// Turns parser events into a `MultipartForm`: fields collected in memory, file parts written to disk.
struct MultipartFormAssembler {
    private enum Current {
        case none
        case field(name: String, bytes: [UInt8])
        case file(MultipartPartHeaders, UploadFileWriter)
    }

    private let temporaryDirectory: String
    private let limits: MultipartLimits
    private var current = Current.none
    /// The form so far; complete once `.end` was handled.
    private(set) var form = MultipartForm()

    init(temporaryDirectory: String, limits: MultipartLimits) {
        self.temporaryDirectory = temporaryDirectory
        self.limits = limits
    }

    mutating func handle(_ event: MultipartEvent) throws {
        switch event {
        case .partBegin(let headers):
            if headers.filename != nil {
                current = .file(headers, try UploadFileWriter(directory: temporaryDirectory))
            } else {
                current = .field(name: headers.name, bytes: [])
            }
        case .partData(let bytes):
            switch current {
            case .none:
                break
            case .field(let name, var collected):
                guard collected.count + bytes.count <= limits.maxFieldBytes else {
                    throw MultipartError.fieldTooLarge.with(detail: "\(name) over \(limits.maxFieldBytes) bytes")
                }
                current = .none  // drop the reference so the append below does not copy
                collected.append(contentsOf: bytes)
                current = .field(name: name, bytes: collected)
            case .file(let headers, var writer):
                current = .none
                do {
                    try writer.write(bytes)
                } catch {
                    writer.discard()
                    throw error
                }
                current = .file(headers, writer)
            }
        case .partEnd:
            switch current {
            case .none:
                break
            case .field(let name, let bytes):
                current = .none
                guard let value = String(validating: bytes, as: UTF8.self) else {
                    throw MultipartError.invalidFieldEncoding.with(detail: name)
                }
                form.fields.append((name, value))
            case .file(let headers, var writer):
                current = .none
                do {
                    try writer.close()
                } catch {
                    writer.discard()
                    throw error
                }
                form.files.append(
                    UploadedFile(
                        fieldName: headers.name, filename: headers.filename, contentType: headers.contentType,
                        path: writer.path, byteCount: writer.byteCount
                    )
                )
            }
        case .end:
            break
        }
    }

    /// Deletes every file created so far, including one still being written.
    mutating func discardFiles() {
        if case .file(_, var writer) = current { writer.discard() }
        current = .none
        form.removeFiles()
        form.files = []
    }
}

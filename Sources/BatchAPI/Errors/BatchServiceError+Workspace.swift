import BatchService

extension BatchServiceError {
    /// A workspace refusal in the service's kinds: a bad id or path is the client's fault, a missing file a 404.
    init(_ error: WorkspaceError) {
        let kind: Kind
        switch error.kind {
        case .invalidBatchID, .outsideFolder, .unsupportedFileType: kind = .badRequest
        case .notFound: kind = .notFound
        case .system: kind = .internalError
        }
        self.init(kind, error.message)
    }
}

import OpenAIClient

// The one place where the errors of the layers below become service errors. Everything the coordinator
// calls on the backend goes through `backendCall`, every workspace refusal through `init(_: WorkspaceError)`.

extension BatchServiceError {
    /// A backend failure while doing `operation` (e.g. "retrieve batch batch_abc"): 404 → `notFound`,
    /// 409 → `conflict` (cancel of a finished batch), a timeout → `timedOut`, anything else → `backendFailed`,
    /// keeping the status, the message and the request id. `OpenAIError`'s text never holds the API key.
    static func backend(_ error: any Error, _ operation: String) -> BatchServiceError {
        guard let error = error as? OpenAIError else {
            return BatchServiceError(.backendFailed, "The backend failed to \(operation): \(error)")
        }
        let kind: Kind
        switch error.kind {
        case .api where error.status == 404: kind = .notFound
        case .api where error.status == 409: kind = .conflict
        case .timeout: kind = .timedOut
        default: kind = .backendFailed
        }
        let detail = error.error?.message ?? error.message
        var text: String
        switch kind {
        case .notFound: text = "Not found while trying to \(operation): \(detail)"
        case .conflict: text = "The backend refused to \(operation): \(detail)"
        case .timedOut: text = "The backend timed out while trying to \(operation): \(detail)"
        default:
            text = "The backend failed to \(operation)"
            if let status = error.status { text += " (HTTP \(status))" }
            text += ": \(detail)"
        }
        if let requestID = error.requestID { text += " (request \(requestID))" }
        var mapped = BatchServiceError(kind, text, backendStatus: error.status, backendRequestID: error.requestID)
        switch error.kind {
        case .connection, .timeout: mapped.isTransient = true
        case .api: mapped.isTransient = error.status.map { $0 == 429 || $0 >= 500 } ?? false
        case .cancelled, .decoding, .invalidRequest: mapped.isTransient = false
        }
        return mapped
    }

    /// A path or id refused by the workspace, or a file it could not write.
    public init(_ error: WorkspaceError) {
        let kind: Kind
        switch error.kind {
        case .invalidBatchID, .outsideFolder, .unsupportedFileType: kind = .badRequest
        case .notFound: kind = .notFound
        case .system: kind = .internalError
        }
        self.init(kind, error.message)
    }
}

/// Calls the backend and maps its failure in the one place that does (`BatchServiceError.backend`).
func backendCall<T>(_ operation: @autoclosure () -> String, _ body: () async throws -> T) async throws(BatchServiceError) -> T {
    do {
        return try await body()
    } catch {
        throw BatchServiceError.backend(error, operation())
    }
}

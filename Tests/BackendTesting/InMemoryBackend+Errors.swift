import OpenAIClient

// The errors the backend throws and that tests inject, shaped like the real client's.
extension InMemoryBackend {
    /// An answer with an error status and OpenAI's error envelope.
    package static func apiError(_ status: Int, _ message: String, type: String = "invalid_request_error", code: String? = nil) -> OpenAIError {
        OpenAIError(kind: .api, status: status, error: APIErrorBody(message: message, type: type, code: code),
                    requestID: "req_memory", message: message)
    }

    /// A call that got no answer in time.
    package static func timeout() -> OpenAIError {
        OpenAIError(kind: .timeout, message: "Operation timed out (in-memory backend)")
    }

    /// A connection that broke before the answer.
    package static func connectionLost() -> OpenAIError {
        OpenAIError(kind: .connection, message: "Connection reset by peer (in-memory backend)")
    }

    /// A 500 from the server.
    package static func serverError() -> OpenAIError {
        apiError(500, "The server had an error while processing your request.", type: "server_error")
    }

    static func noSuchFile(_ id: String) -> OpenAIError {
        apiError(404, "No such File object: \(id)")
    }

    static func noSuchBatch(_ id: String) -> OpenAIError {
        apiError(404, "No batch found with id '\(id)'.")
    }
}

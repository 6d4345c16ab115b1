import HTTPClient

/// One failed attempt, as the retry logic sees it: the error to throw if it is the last, the
/// response headers that may ask for a delay, whether the failure is worth retrying, and whether it
/// is ambiguous (the server may have acted on the request before the answer was lost).
struct AttemptFailure: Error {
    let error: OpenAIError
    /// The non-2xx response, when there was one (a proxy hands it on as it came).
    let response: HTTPResponse?
    let headers: [(name: String, value: String)]
    let retryable: Bool
    let ambiguous: Bool

    /// A non-2xx response. 5xx are ambiguous (the server may have failed after acting); 408,
    /// 409 and 429 are refusals before anything was done.
    init(response: HTTPResponse, error: OpenAIError, policy: OpenAI.RetryPolicy) {
        self.error = error
        self.response = response
        self.headers = response.headers
        self.retryable = policy.retryableStatuses.contains(response.status)
        self.ambiguous = response.status >= 500
    }

    /// A transport failure. Connection failures and timeouts are retried; a failure after the
    /// request was (partly) sent, other than a refused connection, is ambiguous.
    init(transport: HTTPClientError, error: OpenAIError) {
        self.error = error
        self.response = nil
        self.headers = []
        switch transport.kind {
        case .timeout, .connectionLost, .connectionRefused, .dns:
            retryable = true
        case .tls, .cancelled, .invalidRequest, .fileSystem, .responseTooLarge, .other:
            retryable = false
        }
        ambiguous = transport.requestSent && (transport.kind == .timeout || transport.kind == .connectionLost || transport.kind == .other)
    }

    /// A failure of the lookup that resolves an ambiguous create: retried like any call, never
    /// itself ambiguous (it changes nothing).
    init(lookup failure: AttemptFailure) {
        self.error = failure.error
        self.response = failure.response
        self.headers = failure.headers
        self.retryable = failure.retryable
        self.ambiguous = false
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

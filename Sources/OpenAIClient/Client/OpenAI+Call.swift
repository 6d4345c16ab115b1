import Foundation
import HTTPClient

extension OpenAI {
    /// One API call, before it becomes an `HTTPRequest`.
    struct Call: Sendable {
        /// For messages: `retrieve batch batch_123`.
        var operation: String
        var method: String
        /// Relative to the base URL, e.g. `/batches`.
        var path: String
        var query: [(String, String)] = []
        var body: HTTPRequest.Body = .none
        var contentType: String?
        /// A file upload or download: bounded by the transfer timeout instead of the request one.
        var isTransfer = false
        /// Statuses that answer this call for good, never retried whatever the policy or the server's
        /// `x-should-retry` say: a 409 to a cancel is the batch's state, not a lock that clears.
        var finalStatuses: Set<Int> = []
    }

    func makeRequest(_ call: Call) -> HTTPRequest {
        var base = configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var url = base + call.path
        if !call.query.isEmpty {
            url += "?" + call.query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        var headers: [(name: String, value: String)] = [("User-Agent", configuration.userAgent)]
        if !call.isTransfer || call.method != "GET" { headers.append(("Accept", "application/json")) }
        if let key = configuration.apiKey, !key.isEmpty { headers.append(("Authorization", "Bearer \(key)")) }
        if let organization = configuration.organization { headers.append(("OpenAI-Organization", organization)) }
        if let project = configuration.project { headers.append(("OpenAI-Project", project)) }
        if let contentType = call.contentType { headers.append(("Content-Type", contentType)) }
        var timeouts: HTTPTimeouts?
        if call.isTransfer {
            let t = configuration.timeouts
            timeouts = HTTPTimeouts(
                connect: t.connect, total: t.transfer, lowSpeedWindow: t.lowSpeedWindow, lowSpeedBytesPerSecond: t.lowSpeedBytesPerSecond
            )
        }
        return HTTPRequest(method: call.method, url: url, headers: headers, body: call.body, timeouts: timeouts)
    }

    /// One attempt: a 2xx response, or the failure as the retry logic sees it. Cancellation throws.
    func attempt(_ call: Call, downloadTo path: String? = nil) async throws -> Result<HTTPResponse, AttemptFailure> {
        let request = makeRequest(call)
        let response: HTTPResponse
        do {
            if let path {
                response = try await transport.download(request, to: path)
            } else {
                response = try await transport.send(request)
            }
        } catch let error as HTTPClientError {
            if error.kind == .cancelled { throw OpenAIError.cancelled(call.operation) }
            let mapped = OpenAIError.from(transport: error, operation: call.operation, apiKey: configuration.apiKey)
            return .failure(AttemptFailure(transport: error, error: mapped))
        }
        guard response.isSuccess else {
            let mapped = OpenAIError.from(response: response, operation: call.operation, apiKey: configuration.apiKey)
            return .failure(AttemptFailure(response: response, error: mapped, policy: configuration.retry))
        }
        return .success(response)
    }

    /// The call with retries: returns the first 2xx response or throws the last failure.
    func execute(_ call: Call, downloadTo path: String? = nil) async throws -> HTTPResponse {
        var budget = RetryBudget(policy: configuration.retry)
        while true {
            switch try await attempt(call, downloadTo: path) {
            case .success(let response):
                return response
            case .failure(let failure):
                if let status = failure.response?.status, call.finalStatuses.contains(status) { throw failure.error }
                guard let delay = budget.delay(after: failure) else { throw failure.error }
                try await pause(delay, before: budget.attempts, of: call, after: failure)
            }
        }
    }

    /// Logs the retry and sleeps (a cancelled sleep is a cancelled call).
    func pause(_ delay: Duration, before attempt: Int, of call: Call, after failure: AttemptFailure) async throws {
        logger.warning(
            "\(call.operation): \(failure.error); attempt \(attempt) in \(delay)",
            metadata: ["request_id": "\(failure.error.requestID ?? "-")"]
        )
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw OpenAIError.cancelled(call.operation)
        }
    }
}

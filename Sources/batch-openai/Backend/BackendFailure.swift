import BatchService
import Foundation
import OpenAIClient

/// Turns what the backend (or the coordinator) said into the one message a person needs: what was being
/// done, the HTTP status, OpenAI's message, the request id to quote to support, and what was expected.
/// Nothing here ever sees the API key: `OpenAIError` never carries it.
enum BackendFailure {
    /// The failure for an error thrown while doing `action` ("get batch batch_abc").
    static func failure(_ error: any Error, action: String, baseURL: String) -> any Error {
        switch error {
        case let error as OpenAIError:
            return CommandFailure(describe(error, action: action, baseURL: baseURL))
        case let error as BatchServiceError:
            return CommandFailure("\(action) failed: \(error.message)")
        default:
            return error
        }
    }

    /// `get batch batch_x failed: HTTP 404 (invalid_request_error): No batch found … [request req_1]; expected …`.
    static func describe(_ error: OpenAIError, action: String, baseURL: String) -> String {
        // The client's messages read "<operation> failed: <detail>"; the action here already names the operation.
        let detail = error.message.range(of: " failed: ").map { String(error.message[$0.upperBound...]) } ?? error.message
        switch error.kind {
        case .api:
            var text = "\(action) failed: HTTP \(error.status.map(String.init) ?? "error")"
            if let body = error.error {
                let kind = [body.type, body.code ?? ""].filter { !$0.isEmpty }.joined(separator: ", ")
                if !kind.isEmpty { text += " (\(kind))" }
                text += ": " + (body.message.isEmpty ? detail : body.message)
            } else {
                text += ": " + detail
            }
            if let requestID = error.requestID { text += " [request id \(requestID)]" }
            if let hint = hint(status: error.status) { text += "; " + hint }
            return text
        case .connection:
            return "\(action) failed: cannot reach \(redacted(baseURL)): \(detail); check OPENAI_BASE_URL"
        case .timeout:
            return "\(action) failed: \(redacted(baseURL)) did not answer in time: \(detail)"
        case .cancelled:
            return "\(action) was cancelled"
        case .decoding:
            return "\(action) failed: the server's answer is not what the OpenAI API sends: \(detail)"
                + (error.requestID.map { " [request id \($0)]" } ?? "")
        case .invalidRequest:
            return "\(action) failed: \(detail)"
        }
    }

    /// What the user should check, for the statuses where that is clear.
    static func hint(status: Int?) -> String? {
        switch status {
        case 401: "check OPENAI_API_KEY (and OPENAI_BASE_URL: a key for one server does not open another)"
        case 403: "the key has no access to this; check OPENAI_ORG_ID and OPENAI_PROJECT_ID"
        case 404: "expected the id of an existing batch or file (`batch-openai list` shows the batches)"
        case 429: "rate limited or out of quota; try again later"
        default: nil
        }
    }

    /// The base URL without any `user:password@` part.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.user != nil || components.password != nil else { return url }
        components.user = nil
        components.password = nil
        return components.string ?? url
    }
}

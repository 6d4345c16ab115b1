import Foundation
import HTTPClient

extension OpenAIError {
    /// The one place a non-2xx response becomes an `OpenAIError`: the status, OpenAI's error
    /// envelope when the body is one (tolerantly read), and the `x-request-id`. The API key is
    /// masked wherever a server echoed it.
    static func from(response: HTTPResponse, operation: String, apiKey: String?) -> OpenAIError {
        let requestID = response.header("x-request-id")
        var body = (try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body)))?.error
        if var known = body {
            known.message = redact(known.message, apiKey)
            known.param = known.param.map { redact($0, apiKey) }
            body = known
        }
        var message = "\(operation) failed"
        if let body, !body.message.isEmpty {
            message += ": " + body.message
        } else if !response.body.isEmpty {
            // Not an envelope (a proxy's page, say): a short, masked excerpt helps more than nothing.
            let excerpt = String(decoding: response.body.prefix(200), as: UTF8.self)
            message += ": " + redact(excerpt, apiKey)
        }
        return OpenAIError(kind: .api, status: response.status, error: body, requestID: requestID, message: message)
    }

    /// The one place a transport failure becomes an `OpenAIError`.
    static func from(transport error: HTTPClientError, operation: String, apiKey: String?) -> OpenAIError {
        let kind: Kind
        switch error.kind {
        case .timeout: kind = .timeout
        case .connectionRefused, .connectionLost, .dns, .tls, .other, .responseTooLarge: kind = .connection
        case .cancelled: kind = .cancelled
        case .invalidRequest, .fileSystem: kind = .invalidRequest
        }
        return OpenAIError(kind: kind, message: "\(operation) failed: " + redact(error.description, apiKey))
    }

    /// A 2xx body that is not the expected object.
    static func decoding(_ error: any Error, operation: String, response: HTTPResponse) -> OpenAIError {
        OpenAIError(
            kind: .decoding, status: response.status, requestID: response.header("x-request-id"),
            message: "\(operation): unreadable response: \(error)"
        )
    }

    /// The task was cancelled.
    static func cancelled(_ operation: String) -> OpenAIError {
        OpenAIError(kind: .cancelled, message: "\(operation) cancelled")
    }

    static func redact(_ text: String, _ apiKey: String?) -> String {
        guard let apiKey, apiKey.count >= 4, text.contains(apiKey) else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }
}

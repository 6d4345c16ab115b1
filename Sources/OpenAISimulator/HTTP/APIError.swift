import HTTPServer
import OpenAIClient

/// An error of the simulated API: a status and OpenAI's error envelope.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPStatus
    /// The envelope's inner object.
    public let body: APIErrorBody
    /// Extra header fields (`Retry-After`).
    public let headers: HTTPHeaders

    /// Creates an error.
    public init(_ status: HTTPStatus, message: String, type: String? = nil, param: String? = nil, code: String? = nil,
                headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.body = APIErrorBody(message: message, type: type ?? Self.type(for: status.code), param: param, code: code)
        self.headers = headers
    }

    /// The problem document, for a server that does not convert it (the simulator always does).
    public var problem: ProblemDetails { ProblemDetails(status: status, detail: body.message) }

    /// The status, type and message.
    public var description: String { "\(status.code) \(body.type): \(body.message)" }

    /// The response with the envelope.
    public var response: Response {
        var response = (try? Response.json(ErrorEnvelope(error: body), status: status))
            ?? Response.text(body.message, status: status)
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    /// OpenAI's error `type` for a status.
    static func type(for code: Int) -> String {
        switch code {
        case 429: "rate_limit_error"
        case 500...: "server_error"
        default: "invalid_request_error"
        }
    }

    /// `404` for an unknown object, as OpenAI words it.
    static func notFound(_ kind: String, _ id: String, param: String = "id") -> APIError {
        APIError(.notFound, message: "No such \(kind) object: \(id)", param: param)
    }

    /// `400` for a bad parameter.
    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(.badRequest, message: message, param: param, code: code)
    }
}

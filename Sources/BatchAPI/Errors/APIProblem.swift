import Foundation
import BatchService
import HTTPServer
import Logging

/// An error of the REST layer as the client sees it: a status and a problem document (RFC 9457).
///
/// Every failure reaches the client through `APIProblem.from(_:logger:)`, the one place where service,
/// workspace, multipart and body errors become statuses; anything unrecognised is logged and becomes a
/// 500 without details.
struct APIProblem: HTTPResponseError, Sendable, CustomStringConvertible {
    let status: HTTPStatus
    let type: String
    let detail: String?
    let extensions: [String: any Encodable & Sendable]
    let headers: HTTPHeaders

    init(_ status: HTTPStatus, type: String = "about:blank", detail: String?,
         extensions: [String: any Encodable & Sendable] = [:], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.type = type
        self.detail = detail
        self.extensions = extensions
        self.headers = headers
    }

    var problem: ProblemDetails {
        ProblemDetails(status: status, detail: detail, type: type, extensions: extensions)
    }

    var description: String { "HTTP \(status.code): \(detail ?? status.reasonPhrase)" }

    /// A 400 for a request the client must change.
    static func badRequest(_ detail: String, param: String? = nil) -> APIProblem {
        var extensions: [String: any Encodable & Sendable] = [:]
        if let param { extensions["param"] = param }
        return APIProblem(.badRequest, type: ProblemType.badRequest, detail: detail, extensions: extensions)
    }

    /// The problem type URI of each service error kind (stable; documented in the OpenAPI document).
    enum ProblemType {
        static let badRequest = "urn:batch-openai:problem:bad-request"
        static let notFound = "urn:batch-openai:problem:not-found"
        static let conflict = "urn:batch-openai:problem:conflict"
        static let tooLarge = "urn:batch-openai:problem:too-large"
        static let invalidInput = "urn:batch-openai:problem:invalid-jsonl"
        static let backendFailed = "urn:batch-openai:problem:backend-failed"
        static let timedOut = "urn:batch-openai:problem:backend-timeout"
        static let internalError = "urn:batch-openai:problem:internal"
    }

    /// The one mapping from a `BatchServiceError` to its response: the status comes from `Kind.status`.
    static func from(_ error: BatchServiceError, logger: Logger) -> APIProblem {
        let status = HTTPStatus(code: error.kind.status)
        switch error.kind {
        case .badRequest: return APIProblem(status, type: ProblemType.badRequest, detail: error.message)
        case .notFound: return APIProblem(status, type: ProblemType.notFound, detail: error.message)
        case .conflict: return APIProblem(status, type: ProblemType.conflict, detail: error.message)
        case .tooLarge: return APIProblem(status, type: ProblemType.tooLarge, detail: error.message)
        case .invalidInput:
            let errors = error.issues.map(LineError.init)
            return APIProblem(status, type: ProblemType.invalidInput, detail: error.message,
                              extensions: ["errors": errors, "error_count": error.issueCount])
        case .backendFailed: return APIProblem(status, type: ProblemType.backendFailed, detail: error.message, extensions: backend(error))
        case .timedOut: return APIProblem(status, type: ProblemType.timedOut, detail: error.message, extensions: backend(error))
        case .internalError:
            // The message may name server paths or system errors: it goes to the log, not to the client.
            // Metadata, not message text: the message can quote what the request sent (a path, a name).
            logger.error("internal error", metadata: ["error": .string(error.message)])
            return APIProblem(status, type: ProblemType.internalError, detail: "An internal error occurred.")
        }
    }

    /// What the backend said, for a 502/504: its status and request id, when it answered.
    private static func backend(_ error: BatchServiceError) -> [String: any Encodable & Sendable] {
        var extensions: [String: any Encodable & Sendable] = [:]
        if let status = error.backendStatus { extensions["backend_status"] = status }
        if let requestID = error.backendRequestID?.trimmingCharacters(in: .whitespacesAndNewlines) { extensions["backend_request_id"] = requestID }
        return extensions
    }

    /// Maps any error a handler threw; unknown ones are logged and become a detail-less 500.
    static func from(_ error: any Error, logger: Logger) -> any HTTPResponseError {
        switch error {
        case let error as BatchServiceError:
            return from(error, logger: logger)
        case let error as WorkspaceError:
            return from(BatchServiceError(error), logger: logger)
        case let error as MultipartError:
            let kind: BatchServiceError.Kind = error.statusCode == 413 ? .tooLarge : error.statusCode == 400 ? .badRequest : .internalError
            return from(BatchServiceError(kind, "Invalid multipart body: \(error)."), logger: logger)
        case let error as any HTTPResponseError:
            return error
        case is CancellationError:
            return APIProblem(.serviceUnavailable, detail: "The server is shutting down.")
        default:
            logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
            return APIProblem(.internalServerError, type: ProblemType.internalError, detail: "An internal error occurred.")
        }
    }
}

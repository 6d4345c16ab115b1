@testable import BatchAPI
import BatchCore
import BatchService
import Foundation
import HTTPServer
import Logging
import Testing

/// One mapping turns every error into its status and problem document.
@Suite("problem mapping")
struct ProblemMappingTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func document(_ error: any HTTPResponseError) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(error.problem.encoded())) as? [String: Any])
    }

    @Test(arguments: [
        (BatchServiceError.Kind.badRequest, 400), (.notFound, 404), (.conflict, 409), (.tooLarge, 413),
        (.invalidInput, 422), (.backendFailed, 502), (.timedOut, 504), (.internalError, 500),
    ])
    func serviceKindsBecomeTheirStatus(kind: BatchServiceError.Kind, status: Int) throws {
        let mapped = APIProblem.from(BatchServiceError(kind, "what went wrong at /secret/path") as any Error, logger: Self.logger)
        #expect(mapped.status.code == status)
        let document = try Self.document(mapped)
        #expect(document["status"] as? Int == status)
        #expect((document["type"] as? String)?.hasPrefix("urn:batch-openai:problem:") == true)
        #expect(document["title"] as? String == HTTPStatus(code: status).reasonPhrase)
        // A 500's message stays in the log.
        #expect((document["detail"] as? String)?.contains("/secret/path") == (status != 500))
    }

    @Test func invalidInputListsTheLines() throws {
        let issues = [
            ValidationIssue(code: "invalid_json_line", message: "not JSON", line: 2),
            ValidationIssue(code: "missing_field", message: "no model", param: "body.model", line: 5),
        ]
        let mapped = APIProblem.from(BatchServiceError(.invalidInput, "2 bad lines", issues: issues, issueCount: 7) as any Error, logger: Self.logger)
        let document = try Self.document(mapped)
        let errors = try #require(document["errors"] as? [[String: Any]])
        #expect(errors.map { $0["line"] as? Int } == [2, 5])
        #expect(errors[0]["param"] is NSNull)
        #expect(errors[1]["param"] as? String == "body.model")
        #expect(document["error_count"] as? Int == 7)
    }

    @Test func otherErrorsMapInTheSamePlace() throws {
        let badID: any Error = { () -> any Error in
            do { _ = try BatchID("../x"); return CancellationError() } catch { return error }
        }()
        #expect(APIProblem.from(badID, logger: Self.logger).status.code == 400)
        #expect(APIProblem.from(MultipartError.tooManyParts as any Error, logger: Self.logger).status.code == 413)
        #expect(APIProblem.from(MultipartError.malformedDelimiter as any Error, logger: Self.logger).status.code == 400)
        #expect(APIProblem.from(HTTPError(.payloadTooLarge) as any Error, logger: Self.logger).status.code == 413)
        struct Strange: Error {}
        let unknown = APIProblem.from(Strange() as any Error, logger: Self.logger)
        #expect(unknown.status.code == 500)
        #expect(try Self.document(unknown)["detail"] as? String == "An internal error occurred.")
    }
}

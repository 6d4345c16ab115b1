import BatchService

/// The body of `POST /batches`: exactly one source (`input_path`, `requests`, or `spec` + `model`) and how
/// to create the batch.
struct SubmitBody: Sendable {
    /// The members the body may have, for messages.
    static let expected = "'input_path' (a .jsonl or .jsonl.gz file under inputs/), 'requests' (an array of request line objects) "
        + "or 'spec' and 'model'; optional 'job_name', 'completion_window', 'endpoint', 'metadata', 'force'"

    let request: SubmitRequest

    init(_ fields: FieldReader) throws(APIProblem) {
        let input = try Self.input(fields, sourceRequired: true)!
        request = try Self.submission(input, fields)
    }

    /// The source of the requests; nil when none is given and `sourceRequired` is false.
    static func input(_ fields: FieldReader, sourceRequired: Bool) throws(APIProblem) -> SubmissionInput? {
        let given = ["input_path", "requests", "spec"].filter { fields.has($0) }
        guard given.count <= 1 else {
            throw .badRequest("Give one of 'input_path', 'requests' or 'spec', not \(given.map { "'\($0)'" }.joined(separator: " and ")).")
        }
        if let path = try fields.string("input_path") {
            guard !path.isEmpty else { throw .badRequest("'input_path' is empty; expected a .jsonl or .jsonl.gz file under inputs/.", param: "input_path") }
            return .path(path)
        }
        if let lines = try fields.objectLines("requests") {
            guard !lines.isEmpty else { throw .badRequest("'requests' is empty; expected at least one request line object.", param: "requests") }
            return .lines(lines)
        }
        if let spec = try fields.string("spec") {
            guard let model = try fields.string("model"), !model.isEmpty else {
                throw .badRequest("'spec' needs 'model': the model every request of the spec uses.", param: "model")
            }
            return .spec(spec, model: model)
        }
        guard sourceRequired else { return nil }
        throw .badRequest("Missing the requests: expected \(expected).")
    }

    /// The creation options shared by submit and run.
    static func submission(_ input: SubmissionInput, _ fields: FieldReader) throws(APIProblem) -> SubmitRequest {
        let window = try fields.string("completion_window") ?? "24h"
        guard window == "24h" else {
            throw .badRequest("'completion_window' is \"\(window)\"; the Batch API supports only \"24h\".", param: "completion_window")
        }
        let jobName = try fields.string("job_name")
        if let jobName, jobName.utf8.count > 512 {
            throw .badRequest("'job_name' is longer than 512 bytes (metadata values are at most 512).", param: "job_name")
        }
        let metadata = try fields.stringMap("metadata") ?? [:]
        guard metadata.count <= 14 else {
            throw .badRequest("'metadata' has \(metadata.count) keys; at most 14 (the API allows 16, two are the service's).", param: "metadata")
        }
        return SubmitRequest(
            input: input,
            jobName: jobName.flatMap { $0.isEmpty ? nil : $0 },
            completionWindow: window,
            endpoint: try fields.string("endpoint"),
            metadata: metadata,
            force: try fields.bool("force") ?? false
        )
    }
}

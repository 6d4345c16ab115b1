import BatchService

/// The body of `POST /batches`: exactly one source (`input_path`, `requests`, or `spec` with an optional
/// `model`) and how to create the batch.
struct SubmitBody: Sendable {
    /// The members the body may have, for messages.
    static let expected = "'input_path' (a .jsonl or .jsonl.gz file under inputs/), 'requests' (an array of request line objects) "
        + "or 'spec' (optional 'model'); optional 'job_name', 'completion_window', 'endpoint', 'metadata', 'force'"

    /// The members that choose the requests.
    static let sourceMembers: Set<String> = ["input_path", "requests", "spec", "model"]
    /// The members that say how to create the batch (shared with run).
    static let creationMembers: Set<String> = ["job_name", "completion_window", "endpoint", "metadata", "force"]

    let request: SubmitRequest

    /// `defaultModel` is the model of a `spec` given without one (`BATCH_OPENAI_MODEL`).
    init(_ fields: FieldReader, defaultModel: String) throws(APIProblem) {
        try fields.rejectUnknown(Self.sourceMembers.union(Self.creationMembers), expected: Self.expected)
        let input = try Self.input(fields, sourceRequired: true, defaultModel: defaultModel)!
        request = try Self.submission(input, fields)
    }

    /// The source of the requests; nil when none is given and `sourceRequired` is false.
    static func input(_ fields: FieldReader, sourceRequired: Bool, defaultModel: String) throws(APIProblem) -> SubmissionInput? {
        let given = ["input_path", "requests", "spec"].filter { fields.has($0) }
        guard given.count <= 1 else {
            throw .badRequest("Give one of 'input_path', 'requests' or 'spec', not \(given.map { "'\($0)'" }.joined(separator: " and ")).")
        }
        if fields.has("model"), !fields.has("spec") {
            throw .badRequest("'model' applies to 'spec' only; the lines of 'input_path' and 'requests' name their own model.", param: "model")
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
            // One default for the CLI and REST: BATCH_OPENAI_MODEL (gpt-4o-mini unless set).
            let model = try fields.string("model") ?? defaultModel
            guard !model.isEmpty else {
                throw .badRequest("'model' is empty; expected the model every request of the spec uses (default \(defaultModel)).", param: "model")
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
        if let jobName, jobName.count > 512 {
            throw .badRequest("'job_name' is longer than 512 characters (metadata values are at most 512).", param: "job_name")
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

import BatchService

/// The body of `POST /batches/run` (JSON) and the fields of `POST /batches/run-file` (multipart):
/// the submission plus `poll_interval`, `timeout` and `do_parse`.
struct RunBody: Sendable {
    /// The members a JSON run body may have, for messages.
    static let expected = "'input_path' (a .jsonl or .jsonl.gz file under inputs/), 'requests' or 'spec' (optional 'model'); "
        + "optional 'job_name', 'completion_window', 'poll_interval', 'timeout', 'do_parse', 'force', 'metadata', 'endpoint', 'dry_run', 'max_cost'"
    /// The fields a run-file form may have besides its `file` part, for messages.
    static let expectedForm = "a 'file' part (.jsonl or .jsonl.gz); optional fields 'job_name', 'completion_window', "
        + "'poll_interval', 'timeout', 'do_parse', 'force', 'endpoint', 'dry_run', 'max_cost'"

    /// The members that say how to follow the batch.
    static let runMembers: Set<String> = ["poll_interval", "timeout", "do_parse", "dry_run", "max_cost"]
    /// The text fields of a run-file form (metadata, an object, has no form spelling).
    static let formMembers: Set<String> = SubmitBody.creationMembers.subtracting(["metadata"]).union(runMembers)

    /// Default seconds between polls, as in the seed.
    static let defaultPollInterval = 5.0

    let request: RunRequest
    /// `dry_run`: answer with the plan of the job, submit nothing.
    let dryRun: Bool

    /// A JSON run: the requests come from the body (`input_path`, or `requests` / `spec` as for submit).
    init(_ fields: FieldReader, defaultModel: String) throws(APIProblem) {
        try fields.rejectUnknown(SubmitBody.sourceMembers.union(SubmitBody.creationMembers).union(Self.runMembers), expected: Self.expected)
        guard let input = try SubmitBody.input(fields, sourceRequired: false, defaultModel: defaultModel) else {
            throw .badRequest("Missing 'input_path': expected \(Self.expected).", param: "input_path")
        }
        try self.init(input, fields)
    }

    /// A run of the requests of an uploaded file, with the form's fields.
    init(upload input: SubmissionInput, form fields: FieldReader) throws(APIProblem) {
        try fields.rejectUnknown(Self.formMembers, expected: Self.expectedForm)
        try self.init(input, fields)
    }

    /// A run of requests that came some other way, with fields already checked.
    private init(_ input: SubmissionInput, _ fields: FieldReader) throws(APIProblem) {
        let submission = try SubmitBody.submission(input, fields)
        request = RunRequest(
            submission: submission,
            pollInterval: try WaitBody.pollInterval(fields) ?? Self.defaultPollInterval,
            timeout: try WaitBody.timeout(fields),
            doParse: try fields.bool("do_parse") ?? true,
            maxCostUSD: try Self.maxCost(fields)
        )
        dryRun = try fields.bool("dry_run") ?? false
    }

    /// `max_cost`: USD, above 0.
    private static func maxCost(_ fields: FieldReader) throws(APIProblem) -> Double? {
        guard let value = try fields.number("max_cost") else { return nil }
        guard value.isFinite, value > 0 else {
            throw .badRequest("'max_cost' is \(value); expected a number of US dollars above 0.", param: "max_cost")
        }
        return value
    }
}

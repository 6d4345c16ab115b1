import BatchService

/// The body of `POST /batches/run` (JSON) and the fields of `POST /batches/run-file` (multipart):
/// the submission plus `poll_interval`, `timeout` and `do_parse`.
struct RunBody: Sendable {
    /// The members a JSON run body may have, for messages.
    static let expected = "'input_path' (a .jsonl or .jsonl.gz file under inputs/); optional 'job_name', 'completion_window', "
        + "'poll_interval', 'timeout', 'do_parse', 'force', 'metadata', 'endpoint'"

    /// Default seconds between polls, as in the seed.
    static let defaultPollInterval = 5.0

    let request: RunRequest

    /// A JSON run: the requests come from the body (`input_path`, or `requests` / `spec` as for submit).
    init(_ fields: FieldReader) throws(APIProblem) {
        guard let input = try SubmitBody.input(fields, sourceRequired: false) else {
            throw .badRequest("Missing 'input_path': expected \(Self.expected).", param: "input_path")
        }
        try self.init(input, fields)
    }

    /// A run of requests that came some other way (an uploaded file).
    init(_ input: SubmissionInput, _ fields: FieldReader) throws(APIProblem) {
        let submission = try SubmitBody.submission(input, fields)
        request = RunRequest(
            submission: submission,
            pollInterval: try WaitBody.pollInterval(fields) ?? Self.defaultPollInterval,
            timeout: try WaitBody.timeout(fields),
            doParse: try fields.bool("do_parse") ?? true
        )
    }
}

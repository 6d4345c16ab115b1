/// A create call that has not been answered yet, recorded durably before it goes out: what a
/// submission of the same key needs to find the batch that call may have made (after a `kill -9`, a
/// timeout, a dropped connection or a 5xx), instead of paying for a second one.
///
/// Removed once the call's outcome is known: the batch recorded (its `submission.json` carries the
/// token), or a definite refusal. The file store keeps it in `outputs/.pending/`.
public struct PendingSubmission: Codable, Sendable, Equatable {
    /// SHA-256 of the input, lowercase hex.
    public var inputSHA256: String
    /// The job name, if any.
    public var jobName: String?
    /// Which creation of this key it is (`SubmissionRecord.attempt`).
    public var attempt: Int
    /// The token sent in the batch's metadata.
    public var token: String
    /// The uploaded input file the batch was asked for.
    public var inputFileID: String
    /// The batch's endpoint.
    public var endpoint: String
    /// When the create call was about to go out, Unix seconds (the search stops at batches older than this).
    public var startedAt: Int

    /// The idempotency key it belongs to.
    public var key: SubmissionKey { SubmissionKey(inputSHA256: inputSHA256, jobName: jobName) }

    /// Creates a record.
    public init(key: SubmissionKey, attempt: Int, token: String, inputFileID: String, endpoint: String, startedAt: Int) {
        self.inputSHA256 = key.inputSHA256
        self.jobName = key.jobName
        self.attempt = attempt
        self.token = token
        self.inputFileID = inputFileID
        self.endpoint = endpoint
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case inputSHA256 = "input_sha256", jobName = "job_name", attempt, token = "submission_token"
        case inputFileID = "input_file_id", endpoint, startedAt = "started_at"
    }
}

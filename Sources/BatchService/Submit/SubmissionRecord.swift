/// What was submitted for a batch, kept in `outputs/<batch_id>/submission.json`: the key of idempotent
/// submission (the input's SHA-256 with the job name), what the input held, and the attempt and token
/// the batch was created under (`SubmissionToken`).
public struct SubmissionRecord: Codable, Sendable, Equatable {
    /// The batch that was created.
    public var batchID: String
    /// The job name given, if any.
    public var jobName: String?
    /// SHA-256 of `input.jsonl`, lowercase hex.
    public var inputSHA256: String
    /// Requests in the input.
    public var requestCount: Int
    /// Size of the input.
    public var inputBytes: Int64
    /// The uploaded file's id.
    public var inputFileID: String
    /// The batch's endpoint.
    public var endpoint: String
    /// When it was submitted, Unix seconds.
    public var submittedAt: Int
    /// Which creation of this key it was: 1 for the first, one more for each `force` or replaced batch.
    /// Records written before attempts existed read as 1.
    public var attempt: Int
    /// The token sent in the batch's metadata (`OpenAI.submissionMetadataKey`), when one was.
    public var token: String?

    /// The idempotency key: the same input under the same job name.
    public var key: SubmissionKey { SubmissionKey(inputSHA256: inputSHA256, jobName: jobName) }

    /// Creates a record.
    public init(batchID: String, jobName: String?, inputSHA256: String, requestCount: Int, inputBytes: Int64,
                inputFileID: String, endpoint: String, submittedAt: Int, attempt: Int = 1, token: String? = nil) {
        self.batchID = batchID
        self.jobName = jobName
        self.inputSHA256 = inputSHA256
        self.requestCount = requestCount
        self.inputBytes = inputBytes
        self.inputFileID = inputFileID
        self.endpoint = endpoint
        self.submittedAt = submittedAt
        self.attempt = attempt
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", jobName = "job_name", inputSHA256 = "input_sha256", requestCount = "request_count"
        case inputBytes = "input_bytes", inputFileID = "input_file_id", endpoint, submittedAt = "submitted_at"
        case attempt, token = "submission_token"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        batchID = try c.decode(String.self, forKey: .batchID)
        jobName = try c.decodeIfPresent(String.self, forKey: .jobName)
        inputSHA256 = try c.decode(String.self, forKey: .inputSHA256)
        requestCount = try c.decode(Int.self, forKey: .requestCount)
        inputBytes = try c.decode(Int64.self, forKey: .inputBytes)
        inputFileID = try c.decode(String.self, forKey: .inputFileID)
        endpoint = try c.decode(String.self, forKey: .endpoint)
        submittedAt = try c.decode(Int.self, forKey: .submittedAt)
        attempt = try c.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        token = try c.decodeIfPresent(String.self, forKey: .token)
    }
}

/// The same input (by SHA-256) under the same job name (none counts as a name of its own).
public struct SubmissionKey: Hashable, Sendable {
    /// SHA-256 of the input, hex.
    public var inputSHA256: String
    /// The job name.
    public var jobName: String?

    /// Creates a key.
    public init(inputSHA256: String, jobName: String?) {
        self.inputSHA256 = inputSHA256
        self.jobName = jobName
    }
}

/// What was submitted for a batch, kept in `outputs/<batch_id>/submission.json`: the key of idempotent
/// submission (the input's SHA-256 with the job name) and what the input held.
struct SubmissionRecord: Codable, Sendable, Equatable {
    /// The batch that was created.
    var batchID: String
    /// The job name given, if any.
    var jobName: String?
    /// SHA-256 of `input.jsonl`, lowercase hex.
    var inputSHA256: String
    /// Requests in the input.
    var requestCount: Int
    /// Size of the input.
    var inputBytes: Int64
    /// The uploaded file's id.
    var inputFileID: String
    /// The batch's endpoint.
    var endpoint: String
    /// When it was submitted, Unix seconds.
    var submittedAt: Int

    /// The idempotency key: the same input under the same job name.
    var key: SubmissionKey { SubmissionKey(inputSHA256: inputSHA256, jobName: jobName) }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", jobName = "job_name", inputSHA256 = "input_sha256", requestCount = "request_count"
        case inputBytes = "input_bytes", inputFileID = "input_file_id", endpoint, submittedAt = "submitted_at"
    }
}

/// The same input (by SHA-256) under the same job name (none counts as a name of its own).
struct SubmissionKey: Hashable, Sendable {
    /// SHA-256 of the input, hex.
    var inputSHA256: String
    /// The job name.
    var jobName: String?
}

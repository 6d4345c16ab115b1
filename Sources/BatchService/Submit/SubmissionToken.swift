/// The token a batch carries in its metadata (`OpenAI.submissionMetadataKey`) so that the submission that
/// made it can find it again: after a crash or an ambiguous answer, the backend's recent batches are
/// searched for it before anything is created again (`BatchCoordinator+Adopt`).
///
/// It is deterministic, a digest of what makes the submission what it is: the input's SHA-256, the job
/// name, the endpoint, the model and the attempt. The same submission after a `kill -9` computes the
/// same token; `force` (or an earlier batch that failed) takes the next attempt number, so it gets a
/// fresh token (docs/ARCHITECTURE.md § The phases of a run).
enum SubmissionToken {
    /// `bo1-` and 32 hex digits (128 bits of SHA-256): well under the 512 characters of a metadata value.
    static func make(key: SubmissionKey, endpoint: String, model: String?, attempt: Int) -> String {
        // Each field on its own line, a job name marked as present: no two submissions share a text.
        let fields = [
            "batch-openai submission v1", key.inputSHA256, key.jobName.map { "job:" + $0 } ?? "-",
            endpoint, model.map { "model:" + $0 } ?? "-", String(attempt),
        ]
        let digest = SHA256.hex(of: Array(fields.joined(separator: "\n").utf8))
        return "bo1-" + digest.prefix(32)
    }
}

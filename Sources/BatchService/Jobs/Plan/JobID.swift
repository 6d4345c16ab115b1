/// The id of a job: `job_` and 24 hex digits (96 bits) of SHA-256 over the input's SHA-256 and the job
/// name. Deterministic, so the same input and job name again name the same job (and its folder,
/// `outputs/<job_id>/`); the shape of a batch id, so it passes `BatchID` wherever a folder name is checked.
public enum JobID {
    /// The prefix of every job id.
    public static let prefix = "job_"

    /// The id of the job of `inputSHA256` (hex) under `jobName`.
    public static func make(inputSHA256: String, jobName: String?) -> String {
        // Each field on its own line, a job name marked as present: no two jobs share a text.
        let fields = ["batch-openai job v1", inputSHA256, jobName.map { "job:" + $0 } ?? "-"]
        return prefix + SHA256.hex(of: Array(fields.joined(separator: "\n").utf8)).prefix(24)
    }

    /// Whether `id` has the shape of a job id (and not of a batch's).
    public static func isJobID(_ id: String) -> Bool {
        id.hasPrefix(prefix) && id.utf8.count == prefix.utf8.count + 24
            && id.utf8.dropFirst(prefix.utf8.count).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

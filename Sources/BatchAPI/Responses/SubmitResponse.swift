import BatchService

/// The answer of `POST /batches` (and the 202 of a run started with `Prefer: respond-async`).
struct SubmitResponse: Encodable, Sendable {
    let result: SubmitResult
    /// Set for an asynchronous run: where to follow it.
    let statusURL: String?

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", outputDir = "output_dir", status, requestCount = "request_count", reused
        case statusURL = "status_url", batch
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.batch.id, forKey: .batchID)
        try c.encode(result.outputDirectory, forKey: .outputDir)
        try c.encode(result.batch.status, forKey: .status)
        try c.encode(result.requestCount, forKey: .requestCount)
        try c.encode(result.reused, forKey: .reused)
        try c.encodeIfPresent(statusURL, forKey: .statusURL)
        try c.encode(result.batch, forKey: .batch)
    }
}

import BatchService

/// The answer of `POST /batches/{batch_id}/download`: which files were written, what is unaccounted for, and
/// the tokens and USD per model of the output (`usage`).
/// `batch-openai download --json` prints the same document.
public struct DownloadResponse: Encodable, Sendable {
    let result: DownloadResult

    public init(result: DownloadResult) {
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", status, requestCounts = "request_counts", outputFile = "output_file"
        case errorsFile = "errors_file", missingCustomIDs = "missing_custom_ids", usage
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.batch.id, forKey: .batchID)
        try c.encode(result.batch.status, forKey: .status)
        try c.encode(result.batch.requestCounts ?? BatchRequestCounts(), forKey: .requestCounts)
        try c.encode(result.outputFile, forKey: .outputFile)
        try c.encode(result.errorsFile, forKey: .errorsFile)
        try c.encode(result.missingCustomIDs, forKey: .missingCustomIDs)
        try c.encode(result.usage, forKey: .usage)
    }
}

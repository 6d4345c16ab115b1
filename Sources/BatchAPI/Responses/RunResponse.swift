import BatchService

/// The answer of a blocking `POST /batches/run` or `/run-file`: how the run ended, what was downloaded
/// and what was parsed, and the tokens and USD per model (`usage`, once the results are downloaded).
struct RunResponse: Encodable, Sendable {
    let result: RunResult

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", outputDir = "output_dir", status, phase, failure, reused
        case requestCounts = "request_counts", outputFile = "output_file", errorsFile = "errors_file"
        case missingCustomIDs = "missing_custom_ids", docsDir = "docs_dir", processed, skipped, failed
        case indexFile = "index_file", usage, batch
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.batch.id, forKey: .batchID)
        try c.encode(result.outputDirectory, forKey: .outputDir)
        try c.encode(result.batch.status, forKey: .status)
        try c.encode(result.run.phase.rawValue, forKey: .phase)
        try c.encode(result.run.failure, forKey: .failure)
        try c.encode(result.reused, forKey: .reused)
        try c.encode(result.batch.requestCounts ?? BatchRequestCounts(), forKey: .requestCounts)
        try c.encode(result.download?.outputFile, forKey: .outputFile)
        try c.encode(result.download?.errorsFile, forKey: .errorsFile)
        try c.encode(result.download?.missingCustomIDs ?? [], forKey: .missingCustomIDs)
        try c.encode(result.index?.docsDirectory, forKey: .docsDir)
        try c.encode(result.index?.processed, forKey: .processed)
        try c.encode(result.index?.skipped, forKey: .skipped)
        try c.encode(result.index?.failed, forKey: .failed)
        try c.encode(result.index.map { _ in result.outputDirectory + "/index.json" }, forKey: .indexFile)
        try c.encode(result.usage, forKey: .usage)
        try c.encode(result.batch, forKey: .batch)
    }
}

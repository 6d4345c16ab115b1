import BatchService

/// The compact status of `GET /batches/{batch_id}/status` (also the answer of `wait` and `cancel`):
/// status, request counts, timestamps, and the run's phase when this service runs the batch.
struct StatusResponse: Encodable, Sendable {
    let batch: Batch
    let run: PipelineRun?

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", status, requestCounts = "request_counts", outputFileID = "output_file_id"
        case errorFileID = "error_file_id", errors, createdAt = "created_at", inProgressAt = "in_progress_at"
        case expiresAt = "expires_at", finalizingAt = "finalizing_at", completedAt = "completed_at"
        case failedAt = "failed_at", expiredAt = "expired_at", cancellingAt = "cancelling_at"
        case cancelledAt = "cancelled_at", terminal, run
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(batch.id, forKey: .batchID)
        try c.encode(batch.status, forKey: .status)
        try c.encode(batch.status.isTerminal, forKey: .terminal)
        try c.encode(batch.requestCounts ?? BatchRequestCounts(), forKey: .requestCounts)
        try c.encode(batch.outputFileID, forKey: .outputFileID)
        try c.encode(batch.errorFileID, forKey: .errorFileID)
        try c.encode(batch.errors?.data, forKey: .errors)
        try c.encode(batch.createdAt, forKey: .createdAt)
        try c.encode(batch.inProgressAt, forKey: .inProgressAt)
        try c.encode(batch.expiresAt, forKey: .expiresAt)
        try c.encode(batch.finalizingAt, forKey: .finalizingAt)
        try c.encode(batch.completedAt, forKey: .completedAt)
        try c.encode(batch.failedAt, forKey: .failedAt)
        try c.encode(batch.expiredAt, forKey: .expiredAt)
        try c.encode(batch.cancellingAt, forKey: .cancellingAt)
        try c.encode(batch.cancelledAt, forKey: .cancelledAt)
        try c.encode(run.map(RunState.init), forKey: .run)
    }
}

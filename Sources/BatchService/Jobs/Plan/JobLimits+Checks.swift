import BatchCore

extension JobLimits {
    /// The API's own limits: a user lowers them, never raises them past these.
    public static let apiLines = 1...BatchLimits.openAI.maxRequests
    /// Bytes of one batch file, from 1 to the API's 200 MB.
    public static let apiBytes: ClosedRange<Int64> = 1...BatchLimits.openAI.maxBytes

    /// Refuses limits outside the API's (a 400 naming the limit and the range it must be in).
    public func checked() throws(BatchServiceError) -> JobLimits {
        guard Self.apiLines.contains(maxBatchLines) else {
            throw BatchServiceError(.badRequest, "The batch line limit \(maxBatchLines) is out of range: expected 1 to \(Self.apiLines.upperBound) (the Batch API's limit).")
        }
        guard Self.apiBytes.contains(maxBatchBytes) else {
            throw BatchServiceError(.badRequest, "The batch byte limit \(maxBatchBytes) is out of range: expected 1 to \(Self.apiBytes.upperBound) (the Batch API's 200 MB).")
        }
        guard maxJobBytes >= 1 else {
            throw BatchServiceError(.badRequest, "The job byte limit \(maxJobBytes) is out of range: expected at least 1.")
        }
        if let (model, limit) = enqueuedTokens.perModel.first(where: { $0.value < 1 }) {
            throw BatchServiceError(.badRequest, "The enqueued-token limit of \(model) (\(limit)) is out of range: expected at least 1.")
        }
        if let fallback = enqueuedTokens.fallback, fallback < 1 {
            throw BatchServiceError(.badRequest, "The enqueued-token limit \(fallback) is out of range: expected at least 1.")
        }
        return self
    }
}

import OpenAIClient

/// A batch the simulator holds: what the client asked for and its lifecycle.
struct BatchRecord: Sendable, Codable {
    var id: String
    var endpoint: String
    var inputFileID: String
    var completionWindow: String
    var metadata: [String: String]?
    var outputExpiresAfter: ExpiresAfter?
    var model: String?
    /// The prompt tokens it holds in the model's queue while it runs (estimated), once admitted.
    var enqueuedTokens: Int?
    var lifecycle: BatchLifecycle
    /// Order of creation, to break ties of `created_at`.
    var sequence: Int

    /// The Batch object as the API shows it.
    var batch: Batch {
        let l = lifecycle
        return Batch(
            id: id,
            endpoint: endpoint,
            model: model,
            errors: l.errors.map { BatchErrors(data: $0) },
            inputFileID: inputFileID,
            completionWindow: completionWindow,
            status: l.status,
            outputFileID: l.outputFileID,
            errorFileID: l.errorFileID,
            createdAt: l.createdAt,
            inProgressAt: l.inProgressAt,
            expiresAt: l.expiresAt,
            finalizingAt: l.finalizingAt,
            completedAt: l.completedAt,
            failedAt: l.failedAt,
            expiredAt: l.expiredAt,
            cancellingAt: l.cancellingAt,
            cancelledAt: l.cancelledAt,
            requestCounts: l.requestCounts,
            usage: l.usage,
            metadata: metadata
        )
    }
}

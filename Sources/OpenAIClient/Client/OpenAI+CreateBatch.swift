import Foundation
import HTTPClient

extension OpenAI {
    /// `POST /batches`, idempotent under a submission key.
    ///
    /// The body's `metadata` gets `submissionMetadataKey` = a random token (kept if the caller set
    /// one). After an ambiguous failure (the connection dropped or timed out after the request went
    /// out, or a 5xx) the batch may exist: before any further attempt, and before giving up, the
    /// newest batches (two pages of 100) are searched for the token and a match is returned.
    public func createBatch(_ request: CreateBatchRequest) async throws -> Batch {
        var request = request
        var metadata = request.metadata ?? [:]
        var token = metadata[Self.submissionMetadataKey]
        if token == nil {
            if metadata.count < 16 {
                let made = Self.makeSubmissionToken()
                metadata[Self.submissionMetadataKey] = made
                token = made
            } else {
                logger.warning("create batch: metadata already has 16 keys; no submission key, so no retry after an ambiguous failure")
            }
        }
        request.metadata = metadata.isEmpty ? nil : metadata
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(request))
        } catch {
            throw OpenAIError(kind: .invalidRequest, message: "create batch: cannot encode the request: \(error)")
        }
        let call = Call(operation: "create batch", method: "POST", path: "/batches", body: .bytes(body), contentType: "application/json")

        var budget = RetryBudget(policy: configuration.retry)
        var mayExist = false
        while true {
            if mayExist, let token {
                switch try await findBatch(submission: token) {
                case .success(let batch?):
                    logger.info("create batch: the earlier attempt made \(batch.id); not creating another")
                    return batch
                case .success(nil):
                    mayExist = false
                case .failure(let failure):
                    guard let delay = budget.delay(after: AttemptFailure(lookup: failure)) else { throw failure.error }
                    try await pause(delay, before: budget.attempts, of: call, after: failure)
                    continue
                }
            }
            switch try await attempt(call) {
            case .success(let response):
                return try decode(Batch.self, from: response, call)
            case .failure(let failure):
                if failure.ambiguous {
                    // Without a key nothing tells whether the batch exists: a retry could double it.
                    guard let token else { throw failure.error }
                    mayExist = true
                    guard let delay = budget.delay(after: failure) else {
                        // Out of retries: the batch may still be there, and finding it beats an error.
                        if case .success(let batch?) = try await findBatch(submission: token) { return batch }
                        throw failure.error
                    }
                    try await pause(delay, before: budget.attempts, of: call, after: failure)
                } else {
                    guard let delay = budget.delay(after: failure) else { throw failure.error }
                    try await pause(delay, before: budget.attempts, of: call, after: failure)
                }
            }
        }
    }

    /// The batch whose metadata carries `token`, among the newest 200; `nil` when none does.
    func findBatch(submission token: String) async throws -> Result<Batch?, AttemptFailure> {
        var after: String?
        for _ in 0..<2 {
            let call = Self.listCall(after: after, limit: 100)
            switch try await attempt(call) {
            case .failure(let failure):
                return .failure(failure)
            case .success(let response):
                let page = try decode(ListPage<Batch>.self, from: response, call)
                if let batch = page.data.first(where: { $0.metadata?[Self.submissionMetadataKey] == token }) {
                    return .success(batch)
                }
                guard page.hasMore, let last = page.lastID ?? page.data.last?.id else { return .success(nil) }
                after = last
            }
        }
        return .success(nil)
    }

    /// 128 random bits in hex.
    static func makeSubmissionToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
